#!/usr/bin/env node
import { connectorTargetFromEnv } from '@bbk/connector-kit';
import { runHeritageConnector } from './connector.js';
import { heritageCategory } from './data.js';

/**
 * `npm start -- cultural|natural`: replaces the connector's records (BBK_CONTRIBUTOR_URL, BBK_TOKEN,
 * BBK_CONNECTOR_ID) with that UNESCO list, linking each site to BBK_COUNTRY_CONNECTOR_ID's countries.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const category = heritageCategory(argv.find((arg) => arg !== '--') ?? env.BBK_HERITAGE_CATEGORY);
  const countryConnectorId = env.BBK_COUNTRY_CONNECTOR_ID;
  if (!countryConnectorId) throw new Error('bbk: missing environment variable(s): BBK_COUNTRY_CONNECTOR_ID');
  const { sent } = await runHeritageConnector({
    ...connectorTargetFromEnv(env),
    category,
    countryConnectorId,
    onProgress: ({ sent, total }) => console.log(`  ${sent}/${total ?? '?'} ${category} sites sent`),
  });
  console.log(`replaced the connector's records with ${sent} ${category} sites`);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
