#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { connectorTargetFromEnv } from '@bbk/connector-kit';
import { heritageCategory } from '@bbk/example-heritage-sites';
import { runHeritageSqlConnector } from './connector.js';
import { buildHeritageDatabase } from './database.js';

/**
 * `npm start -- cultural|natural`: builds BBK_HERITAGE_DB (default `heritage.db`) from the JSON lists when it
 * does not exist, then replaces the connector's records (BBK_CONTRIBUTOR_URL, BBK_TOKEN, BBK_CONNECTOR_ID)
 * with that category's rows, linking each site to BBK_COUNTRY_CONNECTOR_ID's countries.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const category = heritageCategory(argv.find((arg) => arg !== '--') ?? env.BBK_HERITAGE_CATEGORY);
  const countryConnectorId = env.BBK_COUNTRY_CONNECTOR_ID;
  if (!countryConnectorId) throw new Error('bbk: missing environment variable(s): BBK_COUNTRY_CONNECTOR_ID');
  const database = env.BBK_HERITAGE_DB ?? 'heritage.db';
  if (!existsSync(database)) console.log(`built ${database} with ${buildHeritageDatabase(database)} sites`);
  const { sent } = await runHeritageSqlConnector({
    ...connectorTargetFromEnv(env),
    database,
    category,
    countryConnectorId,
    onProgress: ({ sent, total }) => console.log(`  ${sent}/${total ?? '?'} ${category} sites sent`),
  });
  console.log(`replaced the connector's records with ${sent} ${category} sites from ${database}`);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
