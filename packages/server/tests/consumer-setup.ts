import { createHash } from 'node:crypto';
import {
  ConsumerClient,
  type ConsumerOptions,
  ContributorClient,
  CoordinatorClient,
  type EntityTypeInput,
  type LegalItem,
  type PolicyDefinition,
  type Query,
  type RecordInput,
} from '@bbk/sdk';
import type { ServerOptions } from '../src/index.js';
import { startTestServer, type TestServer } from './harness.js';

/** A real server with SDK clients, and helpers to build catalogs through the real APIs. */
export interface ConsumerEnv {
  server: TestServer;
  coord: CoordinatorClient;
  contrib: ContributorClient;
  /** Consumer API base URL, e.g. `http://127.0.0.1:40123/v1`. */
  base: string;
  /** A consumer client (development mode: `audience` is the policy id). */
  consumer(options?: ConsumerOptions & { token?: string }): ConsumerClient;
  entityType(eid: string, input?: Partial<EntityTypeInput>): Promise<void>;
  connector(
    eid: string,
    slug: string,
    options?: { webhook?: string | null; cache?: number; live?: boolean },
  ): Promise<TestConnector>;
  /** Upserts records in one stream session (visible at once). */
  upsert(c: TestConnector, records: RecordInput[]): Promise<void>;
  policy(pid: string, p: PolicyOptions): Promise<void>;
  close(): Promise<void>;
}

export interface TestConnector {
  eid: string;
  slug: string;
  /** contribution id */
  cid: string;
  token: string;
  webhookSecret: string;
}

export interface PolicyOptions {
  segment: Query | Record<string, unknown>;
  masks?: string[];
  legal?: LegalItem[];
  accessControl?: PolicyDefinition['access_control'];
}

/** Public id of a record: sha1("{contribution id}:{vendor id}") (spec §3.3). */
export const publicId = (cid: string, vendorId: string) =>
  createHash('sha1').update(`${cid}:${vendorId}`).digest('hex');

export async function consumerEnv(options: ServerOptions = {}): Promise<ConsumerEnv> {
  const server = await startTestServer(options);
  const coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  const contrib = new ContributorClient({ baseUrl: server.urls.contributor });
  const clients: ConsumerClient[] = [];
  const env: ConsumerEnv = {
    server,
    coord,
    contrib,
    base: server.urls.consumer,
    consumer(o = {}) {
      const client = new ConsumerClient({ baseUrl: server.urls.consumer, ...o });
      clients.push(client);
      return client;
    },
    async entityType(eid, input = {}) {
      await coord.entityTypes.create(eid, { name: `Type ${eid}`, description: `All ${eid} records`, ...input });
    },
    async connector(eid, slug, o = {}) {
      const created = await coord.connectors.create(eid, slug, {
        name: slug,
        description: `connector ${slug}`,
        webhook: o.webhook ?? null,
        cache: o.cache ?? 0,
      });
      if (o.live !== false) await coord.connectors.promote(eid, slug);
      return { eid, slug, cid: created.id, token: created.token, webhookSecret: created.webhook_secret ?? '' };
    },
    async upsert(c, records) {
      const api = new ContributorClient({ baseUrl: server.urls.contributor, token: c.token });
      try {
        await api.contribute(c.cid, 'stream', records);
      } finally {
        await api.close();
      }
    },
    async policy(pid, p) {
      await coord.policies.create(pid, {
        name: `Policy ${pid}`,
        description: `policy ${pid}`,
        policy: {
          access_control: p.accessControl ?? { enabled: false },
          data_segment: { segment_query: p.segment as Query, field_masks: p.masks ?? [] },
          legal_context: p.legal ?? [],
        },
      });
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await contrib.close();
      await coord.close();
      await server.destroy();
    },
  };
  return env;
}

/** A real webhook server (node:http) for the tests: records each request, answers with `handler`. */
export interface TestWebhook {
  url: string;
  requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined> }>;
  handler: WebhookHandler;
  close(): Promise<void>;
}

export type WebhookHandler = (
  url: URL,
) => { status?: number; body?: unknown; raw?: string; delayMs?: number } | undefined;

export async function startWebhook(handler: WebhookHandler = () => undefined): Promise<TestWebhook> {
  const { createServer } = await import('node:http');
  const hook: TestWebhook = {
    url: '',
    requests: [],
    handler,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    hook.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const answer = hook.handler(new URL(req.url ?? '/', 'http://hook')) ?? { status: 404, body: {} };
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(answer.raw ?? JSON.stringify(answer.body ?? {}));
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as import('node:net').AddressInfo;
  hook.url = `http://127.0.0.1:${port}/hook`;
  hook.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return hook;
}
