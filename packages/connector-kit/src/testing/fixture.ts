import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsumerClient, CoordinatorClient, type EntityTypeInput } from '@bbk/sdk';
import type { ConnectorTarget } from '../connector-client.js';

/** A webhook the connector started: anything with a URL and `close()` (a kit `Webhook` after `listen`). */
export interface StartedWebhook {
  readonly url: string | undefined;
  close(): Promise<void>;
}

/** What the fixture sets up. */
export interface FixtureOptions {
  mode: 'development' | 'production';
  /** Entity type slug and its full definition. */
  type: { id: string } & EntityTypeInput;
  /** Connector slug. */
  connector: string;
  webhook?: (context: { secret: string | undefined }) => Promise<StartedWebhook>;
  log: (line: string) => void;
}

/** A bbk server with the entity type, a live connector (and its webhook) and a consumer that sees the type. */
export interface Fixture {
  target: ConnectorTarget;
  consumer: ConsumerClient;
  /** Consumer API base URL, the `route` of rewritten bbk links. */
  consumerRoute: string;
  webhook: { url: string; secret: string | undefined } | undefined;
  /** Stops everything and removes the temporary data directory. */
  close(): Promise<void>;
}

/**
 * Starts a real bbk server (temporary data directory, free loopback ports) and prepares it for a connector:
 * entity type, connector (live), the connector's webhook started with its secret, a policy on the type and
 * a consumer of it. Everything started is stopped again if a step fails.
 */
export async function startFixture(options: FixtureOptions): Promise<Fixture> {
  const closers: (() => unknown)[] = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await Promise.resolve()
        .then(closer)
        .catch(() => undefined);
  };
  try {
    const { startServer } = await import('@bbk/server');
    const dataDir = mkdtempSync(join(tmpdir(), 'bbk-contract-'));
    closers.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { mode, type } = options;
    const ports = { coordinatorPort: 0, contributorPort: 0, consumerPort: 0 };
    const server = await startServer({ mode, dataDir, host: '127.0.0.1', ...ports }, {});
    closers.push(() => server.close());
    options.log(`bbk server (${mode}) at ${server.urls.coordinator}`);
    const coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.bootstrapToken });
    closers.push(() => coordinator.close());

    const { id, ...definition } = type;
    await coordinator.entityTypes.create(id, definition);
    const input = { name: `${id} contract test`, description: 'Connector under test' };
    // The webhook verifies calls with the secret that only connector creation returns:
    // create with a placeholder URL, start the webhook, then register its real URL.
    const created = await coordinator.connectors.create(id, options.connector, {
      ...input,
      webhook: options.webhook ? 'http://127.0.0.1:9/not-yet-started' : null,
    });
    let webhook: Fixture['webhook'];
    if (options.webhook) {
      const started = await options.webhook({ secret: created.webhook_secret });
      closers.push(() => started.close());
      if (!started.url) throw new Error('the webhook factory resolved before the webhook was listening (no url)');
      webhook = { url: started.url.replace(/\/+$/, ''), secret: created.webhook_secret };
      await coordinator.connectors.update(id, options.connector, { ...input, webhook: webhook.url });
    }
    await coordinator.connectors.promote(id, options.connector);
    const consumer = await consumerOf(coordinator, server.urls.consumer, mode, id);
    closers.push(() => consumer.close());
    return {
      target: { contributorUrl: server.urls.contributor, token: created.token, connectorId: created.id },
      consumer,
      consumerRoute: server.urls.consumer,
      webhook,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A consumer on a policy that sees exactly the entity type under test. */
async function consumerOf(
  coordinator: CoordinatorClient,
  baseUrl: string,
  mode: FixtureOptions['mode'],
  type: string,
): Promise<ConsumerClient> {
  const pid = 'contract-test';
  await coordinator.policies.create(pid, {
    name: 'Contract test',
    description: 'Everything of the entity type under test',
    policy: { access_control: { enabled: false }, data_segment: { segment_query: { type } }, legal_context: [] },
  });
  if (mode === 'development') return new ConsumerClient({ baseUrl, audience: pid });
  const user = await coordinator.users.create({ name: 'Contract', email: 'contract@bbk.test', organization: 'bbk' });
  return new ConsumerClient({ baseUrl, token: await coordinator.accesses.grant(user.id, pid) });
}
