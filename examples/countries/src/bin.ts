#!/usr/bin/env node
import { connectorTargetFromEnv } from '@bbk/connector-kit';
import { runCountriesConnector } from './connector.js';
import { createCountriesWebhook } from './webhook.js';

/**
 * `npm start`: serves the webhook (BBK_WEBHOOK_PORT, default 8080; BBK_WEBHOOK_HOST, default 127.0.0.1;
 * BBK_WEBHOOK_SECRET to verify calls), contributes the countries to BBK_CONTRIBUTOR_URL as connector
 * BBK_CONNECTOR_ID with BBK_TOKEN, then keeps the webhook up until SIGINT/SIGTERM.
 */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const target = connectorTargetFromEnv(env);
  const webhook = createCountriesWebhook(env.BBK_WEBHOOK_SECRET ? { secret: env.BBK_WEBHOOK_SECRET } : {});
  const url = await webhook.listen(Number(env.BBK_WEBHOOK_PORT ?? 8080), env.BBK_WEBHOOK_HOST ?? '127.0.0.1');
  console.log(`webhook listening at ${url} (register it as the connector's webhook)`);
  try {
    const { sent } = await runCountriesConnector({
      ...target,
      onProgress: ({ sent, total }) => console.log(`  ${sent}/${total ?? '?'} countries sent`),
    });
    console.log(`contributed ${sent} countries; serving the webhook until interrupted`);
  } catch (error) {
    await webhook.close();
    throw error;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await webhook.close();
}

main(process.env).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
