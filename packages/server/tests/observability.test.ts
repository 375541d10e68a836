import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../src/storage/postgres/migrations.js';
import { DB_FILE } from '../src/storage/sqlite/database.js';
import { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from '../src/storage/sqlite/figures.js';
import {
  type ConsumerEnv,
  consumerEnv,
  publicId,
  startWebhook,
  type TestConnector,
  type TestWebhook,
} from './consumer-setup.js';
import { call, startTestServer, TEST_ENGINE } from './harness.js';

const SCHEMA_VERSION = TEST_ENGINE === 'postgres' ? PG_SCHEMA_VERSION : SQLITE_SCHEMA_VERSION;

/** One Prometheus sample: the value of `name{labels}` in a scrape, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (
      Object.entries(labels).every(([k, v]) => have[k] === v) &&
      Object.keys(have).length === Object.keys(labels).length
    )
      return Number(m[3]);
  }
  return undefined;
}

const logDir = mkdtempSync(join(tmpdir(), 'bbk-logs-'));
const logFile = join(logDir, 'nested', 'bbk.log');
const tokens: string[] = [];
let env: ConsumerEnv;
let hook: TestWebhook;
let things: TestConnector;
let hooked: TestConnector;
let consumerToken: string;
let limitedToken: string;

beforeAll(async () => {
  env = await consumerEnv({ mode: 'production', metricsPort: 0, logLevel: 'info', logFile });
  tokens.push(env.server.adminToken);
  hook = await startWebhook((url) =>
    url.pathname.includes('/entity/thing/fail') ? { status: 500, body: {} } : { body: { entity: { extra: 1 } } },
  );
  await env.entityType('thing');
  things = await env.connector('thing', 'things');
  hooked = await env.connector('thing', 'hooked', { webhook: hook.url });
  tokens.push(things.token, hooked.token);
  await env.policy('open', { segment: { type: 'thing' } });
  await env.policy('tight', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 1 } });
  const user = await env.coord.users.create({ name: 'Carol', email: 'carol@example.com', organization: 'C' });
  consumerToken = await env.coord.accesses.grant(user.id, 'open');
  limitedToken = await env.coord.accesses.grant(user.id, 'tight');
  const coordinatorToken = await env.coord.users.promote(user.id);
  tokens.push(consumerToken, limitedToken, coordinatorToken);
  // a reissued token is a token too, and the one it replaced
  tokens.push(await env.coord.accesses.reissue(user.id, 'open'));
  tokens.push(consumerToken);
  consumerToken = tokens.at(-2)!;
});
afterAll(async () => {
  await env.close();
  await hook.close();
  rmSync(logDir, { recursive: true, force: true });
});

/** Runs `work` while the database says it is at schema `version` (SQLite: user_version; PostgreSQL: bbk_migrations). */
async function atSchemaVersion(version: number, work: () => Promise<void>): Promise<void> {
  if (TEST_ENGINE === 'postgres') {
    const { database, databaseSchema } = env.server.location;
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    const table = `${databaseSchema}.bbk_migrations`;
    const gone = await client.query(`DELETE FROM ${table} WHERE version > $1 RETURNING version, name`, [version]);
    try {
      await work();
    } finally {
      for (const r of gone.rows)
        await client.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [r.version, r.name]);
      await client.end();
    }
    return;
  }
  const db = new Database(join(env.server.dataDir, DB_FILE));
  try {
    db.pragma(`user_version = ${version}`);
    await work();
  } finally {
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.close();
  }
}

describe('health probes', () => {
  it('answer without a token on every listener, at the root and under the base path', async () => {
    const roots = [env.server.urls.coordinator, env.server.urls.contributor, env.server.urls.consumer].map((u) =>
      u.replace(/\/v1$/, ''),
    );
    roots.push(env.server.urls.metrics!.replace(/\/metrics$/, ''));
    for (const root of [...roots, ...roots.map((r) => `${r}/v1`)]) {
      const live = await call(`${root}/healthz`);
      expect(live.status).toBe(200);
      expect(live.json).toEqual({ status: 'ok' });
      const ready = await call(`${root}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({
        status: 'ok',
        checks: { database: 'ok', schema: { version: SCHEMA_VERSION, expected: SCHEMA_VERSION } },
      });
    }
    expect((await call(`${env.server.urls.consumer}/healthz`)).json).toEqual({ status: 'ok' });
    expect((await call(`${env.server.urls.coordinator}/readyz`)).status).toBe(200);
    // everything else still needs a token
    expect((await call(`${env.server.urls.consumer}/entity`)).status).toBe(401);
  });

  it('readyz answers 503 in the standard body while the schema is not the newest migration', async () => {
    await atSchemaVersion(SCHEMA_VERSION - 1, async () => {
      const res = await call(`${env.server.urls.consumer}/readyz`);
      expect(res.status).toBe(503);
      expect(res.json).toEqual({
        error: {
          code: 503,
          status: 'Service Unavailable',
          message: `not ready: database schema is at version ${SCHEMA_VERSION - 1}, this server needs ${SCHEMA_VERSION}`,
        },
      });
      expect((await call(`${env.server.urls.consumer.replace(/\/v1$/, '')}/healthz`)).status).toBe(200);
    });
    expect((await call(`${env.server.urls.consumer}/readyz`)).status).toBe(200);
  });

  it('do not count against consumer rate limits', async () => {
    for (let i = 0; i < 5; i++)
      expect((await call(`${env.server.urls.consumer}/healthz`, { token: limitedToken })).status).toBe(200);
    expect((await call(`${env.server.urls.consumer}/entity`, { token: limitedToken })).status).toBe(200);
  });
});

describe('metrics', () => {
  it('are not served on the public listeners', async () => {
    const root = env.server.urls.consumer.replace(/\/v1$/, '');
    expect((await call(`${root}/metrics`, { token: consumerToken })).status).toBe(404);
    expect(env.server.urls.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });

  it('count requests by route pattern and status, 429s by limit, contributions, webhooks, catalog and database', async () => {
    const contributor = env.server.urls.contributor;
    const as = { token: things.token };
    const sid = (await call(`${contributor}/connector/${things.cid}/session/open/stream`, as)).json as string;
    const records = ['a', 'b', 'c'].map((id) => ({ id, name: id.toUpperCase(), entity: {} }));
    expect(
      (
        await call(`${contributor}/connector/${things.cid}/session/${sid}/upsert`, {
          ...as,
          method: 'POST',
          body: records,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(`${contributor}/connector/${things.cid}/session/${sid}/delete`, {
          ...as,
          method: 'POST',
          body: ['c'],
        })
      ).status,
    ).toBe(200);
    expect((await call(`${contributor}/connector/${things.cid}/session/${sid}/close/true`, as)).status).toBe(200);
    await env.upsert(hooked, [
      { id: 'ok', name: 'OK', entity: {} },
      { id: 'fail', name: 'Fail', entity: {} },
    ]);
    // an accrue session left open
    const open = (await call(`${contributor}/connector/${hooked.cid}/session/open/accrue`, { token: hooked.token }))
      .json as string;
    expect(open).toMatch(/^[0-9a-f-]{36}$/);

    const consumer = env.server.urls.consumer;
    const detail = (c: TestConnector, id: string) =>
      call(`${consumer}/entity/thing/${publicId(c.cid, id)}`, { token: consumerToken });
    for (const id of ['a', 'b']) expect((await detail(things, id)).status).toBe(200);
    expect((await detail(hooked, 'ok')).status).toBe(200);
    expect((await detail(hooked, 'fail')).status).toBe(200);
    expect((await detail(things, 'c')).status).toBe(404);
    let limited = 0;
    for (let i = 0; i < 4; i++)
      if ((await call(`${consumer}/entity`, { token: limitedToken })).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);

    const scrape = await call(env.server.urls.metrics!);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = scrape.text;
    const requests = (route: string, status: string) =>
      sample(text, 'bbk_http_request_duration_seconds_count', { api: 'consumer', method: 'GET', route, status });
    expect(requests('/v1/entity/:type/:id', '200')).toBe(4);
    expect(requests('/v1/entity/:type/:id', '404')).toBe(1);
    const bucket = (le: string) =>
      sample(text, 'bbk_http_request_duration_seconds_bucket', {
        api: 'consumer',
        method: 'GET',
        route: '/v1/entity/:type/:id',
        status: '200',
        le,
      });
    expect(bucket('+Inf')).toBe(4);
    expect(bucket('10')).toBe(4);
    expect(bucket('0.0005')).toBeLessThanOrEqual(bucket('0.5')!);
    expect(
      sample(text, 'bbk_http_request_duration_seconds_sum', {
        api: 'consumer',
        method: 'GET',
        route: '/v1/entity/:type/:id',
        status: '200',
      }),
    ).toBeGreaterThan(0);
    expect(requests('/v1/entity', '429')).toBe(limited);
    expect(sample(text, 'bbk_consumer_rate_limited_total', { policy: 'tight', limit: 'rate' })).toBe(limited);
    expect(sample(text, 'bbk_contributor_records_total', { connector: 'things', action: 'upsert' })).toBe(3);
    expect(sample(text, 'bbk_contributor_records_total', { connector: 'things', action: 'delete' })).toBe(1);
    expect(sample(text, 'bbk_contributor_sessions_total', { connector: 'things', event: 'commit' })).toBe(1);
    expect(sample(text, 'bbk_contributor_sessions_total', { connector: 'hooked', event: 'open' })).toBe(2);
    expect(sample(text, 'bbk_webhook_calls_total', { connector: 'hooked' })).toBe(2);
    expect(sample(text, 'bbk_webhook_failures_total', { connector: 'hooked', reason: 'status' })).toBe(1);
    expect(sample(text, 'bbk_catalog_records', { connector: 'things', entity_type: 'thing' })).toBe(2);
    expect(sample(text, 'bbk_catalog_records', { connector: 'hooked', entity_type: 'thing' })).toBe(2);
    expect(sample(text, 'bbk_sessions_open', { connector: 'hooked', mode: 'accrue' })).toBe(1);
    expect(sample(text, 'bbk_database_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    // the route label is the pattern: no record id ever becomes a label
    expect(text).not.toContain(publicId(things.cid, 'a'));
  });
});

describe('request log', () => {
  it('writes one JSON line per request with its id, route, status, duration, caller and policy', async () => {
    const consumer = env.server.urls.consumer;
    const res = await call(`${consumer}/entity/thing?limit=1`, {
      token: consumerToken,
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    const other = await call(`${consumer}/entity`, {
      token: consumerToken,
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    const generated = other.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    // a token sent where it does not belong: as a request id and in a query
    await call(`${consumer}/catalog?q=${encodeURIComponent(JSON.stringify({ name: consumerToken }))}`, {
      token: consumerToken,
      headers: { 'x-request-id': consumerToken },
    });
    await call(`${env.server.urls.coordinator}/user`, { token: `${env.server.adminToken}x` });
    // a path the router cannot decode is answered before any hook, and logged all the same
    const bad = await call(`${consumer}/entity/%zz`, {
      token: consumerToken,
      headers: { 'x-request-id': 'bad-url-1' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-request-id')).toBe('bad-url-1');

    await env.close(); // flushes and closes the log file
    env.close = async () => {};
    const text = readFileSync(logFile, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    const traced = requests.find((l) => l.reqId === 'trace-42');
    expect(traced).toMatchObject({
      level: 30,
      method: 'GET',
      route: '/v1/entity/:type',
      url: '/v1/entity/thing?limit=1',
      status: 200,
      callerKind: 'consumer',
      policy: 'open',
    });
    expect(typeof traced?.durationMs).toBe('number');
    expect(typeof traced?.callerId).toBe('number');
    expect(requests.find((l) => l.reqId === generated)).toMatchObject({ route: '/v1/entity', status: 200 });
    expect(requests.find((l) => l.status === 429)).toMatchObject({ policy: 'tight', limitedBy: 'rate' });
    expect(requests.find((l) => l.url === '/v1/user' && l.status === 401)).toBeDefined();
    const badLine = requests.find((l) => l.reqId === 'bad-url-1');
    expect(badLine).toMatchObject({ status: 400, callerKind: 'consumer' });
    expect(badLine?.durationMs).toBeLessThan(10_000);
    const contributorLine = requests.find((l) => String(l.route).endsWith('/session/:sid/:action'));
    expect(contributorLine).toMatchObject({ callerKind: 'contributor' });
    expect(String(contributorLine?.url)).toContain('[sid]');
    // probes are logged at debug only
    expect(requests.some((l) => String(l.url).endsWith('/healthz'))).toBe(false);
    // no secret of any token issued in this file, in any line
    expect(tokens.length).toBeGreaterThanOrEqual(7);
    for (const token of tokens) {
      const secret = token.split('.')[2]!;
      expect(secret.length).toBeGreaterThan(20);
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});

describe('error log', () => {
  it('logs a 500 once, with its error and stack under the request id, next to its request line at warn', async () => {
    const file = join(logDir, 'errors.log');
    const dev = await startTestServer({ mode: 'development', logLevel: 'info', logFile: file });
    let id: string | null;
    try {
      const res = await call(`${dev.urls.consumer}/error/test`, { headers: { 'x-request-id': 'boom-1' } });
      expect(res.status).toBe(500);
      id = res.headers.get('x-request-id');
    } finally {
      await dev.destroy();
    }
    expect(id).toBe('boom-1');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string; reqId?: string; err?: { stack?: string } });
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ reqId: 'boom-1', msg: 'test error message - please ignore' });
    expect(errors[0]?.err?.stack).toContain('test error message - please ignore');
    expect(lines.find((l) => l.msg === 'request' && l.reqId === 'boom-1')).toMatchObject({ level: 40, status: 500 });
  });
});
