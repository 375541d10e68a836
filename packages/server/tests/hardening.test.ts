// Inputs and loads that once broke the server (issue "Hardening"): each gets the standard
// error body with the right status, never a 5xx, and no request holds up the others.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longestStall } from '../src/threads/testing/longest-stall.js';
import { type ConsumerEnv, consumerEnv, startWebhook, type TestWebhook } from './consumer-setup.js';
import { call } from './harness.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
};

/** The standard error body (spec §1.7) with this status. */
function expectStandard(res: { status: number; json: unknown; headers?: Headers }, status: number): void {
  expect(res.status).toBe(status);
  const body = res.json as { error: { code: number; status: string; message: unknown } };
  expect(body.error.code).toBe(status);
  expect(body.error.status).toBe(REASONS[status]);
  if (status === 400) expect(Array.isArray(body.error.message)).toBe(true);
  else expect(body.error.message).toBe('');
  if (res.headers) expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

/** Sends raw bytes, then half-closes, and returns everything the server wrote before closing. */
function raw(url: string, text: string, { halfClose = true } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('latin1');
    });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    // the whole request is sent: half-close, so the server's lingering close ends at once
    if (halfClose) socket.end(text, 'latin1');
    else socket.write(text, 'latin1');
    setTimeout(() => socket.destroy(), 3000).unref();
  });
}

/**
 * Status and parsed body of the last answer in a raw HTTP/1.1 stream (a request refused by the
 * token check before its body turned out malformed gets that answer first, then the 400).
 */
function parseRaw(answer: string): { status: number; json: unknown; head: string } {
  const last = answer.slice(answer.lastIndexOf('HTTP/1.1 '));
  const [head = '', body = ''] = last.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, json: JSON.parse(body), head };
}

describe('production mode: every layer answers in the standard body, the token first', () => {
  let env: ConsumerEnv;
  let consumerToken: string;

  beforeAll(async () => {
    env = await consumerEnv({ mode: 'production' });
    await env.entityType('country');
    const c = await env.connector('country', 'wiki');
    await env.upsert(c, [{ id: 'GB', name: 'United Kingdom', entity: { capital: 'London' } }]);
    await env.policy('all', { segment: {} });
    const user = await env.coord.users.create({ name: 'c', email: 'c@example.com', organization: 'o' });
    consumerToken = await env.coord.accesses.grant(user.id, 'all');
  });
  afterAll(() => env.close());

  it('a path that cannot be percent-decoded: 401 without a token, 400 with one', async () => {
    expectStandard(await call(`${env.base}/entity/%zz`), 401);
    const res = await call(`${env.base}/entity/%zz`, { token: consumerToken });
    expectStandard(res, 400);
    expect(res.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [{ name: 'url', index: null, reason: 'is not a valid URL path' }],
      },
    });
    expectStandard(await call(`${env.server.urls.coordinator}/user/%E0%A4%A`, { token: env.server.adminToken }), 400);
  });

  it('a 6,000-character path segment reaches its route: 401 without a token, 404 with one', async () => {
    const long = 'a'.repeat(6000);
    expectStandard(await call(`${env.base}/entity/country/${long}`), 401);
    expectStandard(await call(`${env.base}/entity/country/${long}`, { token: consumerToken }), 404);
  });

  it('headers over 16 KB: 431 in the standard body', async () => {
    const answer = await raw(env.base, `GET /v1/entity HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(17_000)}\r\n\r\n`);
    const res = parseRaw(answer);
    expectStandard(res, 431);
    expect(res.head.toLowerCase()).toContain('connection: close');
  });

  it('malformed framing: 400 in the standard body, then the connection closes', async () => {
    const cases = {
      'duplicate Content-Length':
        'POST /v1/catalog HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'Content-Length with Transfer-Encoding':
        'POST /v1/catalog HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'bad chunk size':
        'POST /v1/catalog HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'bare LF': 'GET /v1/ HTTP/1.1\nHost: x\n\n',
      'unknown method': 'FOO /v1/ HTTP/1.1\r\nHost: x\r\n\r\n',
      'NUL in a header': 'GET /v1/ HTTP/1.1\r\nHost: x\r\nx-a: a\u0000b\r\n\r\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const res = parseRaw(await raw(env.base, text));
      expect(res.status, name).toBe(400);
      expectStandard(res, 400);
    }
  });

  it('CONNECT (a tunnel request): 405 in the standard body, then the connection closes', async () => {
    for (const text of ['CONNECT /v1 HTTP/1.1\r\nHost: x\r\n\r\n', 'CONNECT x:1 HTTP/1.1\r\nHost: x:1\r\n\r\n']) {
      const res = parseRaw(await raw(env.base, text));
      expectStandard(res, 405);
      expect(res.head.toLowerCase()).toContain('connection: close');
    }
    // the server is still serving (and, in production, asks for a token first)
    expect(parseRaw(await raw(env.base, 'GET /v1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(401);
  });

  it('no Host header: 400 in the standard body; an unknown Expect goes through the routes like any request', async () => {
    const noHost = parseRaw(await raw(env.base, 'GET /v1/entity HTTP/1.1\r\nconnection: close\r\n\r\n'));
    expectStandard(noHost, 400);
    expect(noHost.json).toMatchObject({ error: { message: [{ name: 'host', reason: 'requires a Host header' }] } });
    const expect417 = parseRaw(
      await raw(
        env.base,
        'POST /v1/catalog HTTP/1.1\r\nHost: x\r\nexpect: 999-nope\r\nconnection: close\r\ncontent-length: 0\r\n\r\n',
      ),
    );
    expectStandard(expect417, 401);
  });

  it('a malformed request pipelined after a valid one: the valid one is answered first', async () => {
    const answer = await raw(
      env.base,
      `GET /v1/entity HTTP/1.1\r\nHost: x\r\nx-bbk-auth-token: ${consumerToken}\r\n\r\n` +
        'GET /v1/entity HTTP/1.1\r\nHost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
      // a client that half-closes right after pipelining loses the answers (Node ends the connection on it)
      { halfClose: false },
    );
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 400]);
  });

  it('an early answer to a request still sending a large body reaches the client (no reset)', async () => {
    const { hostname, port } = new URL(env.base);
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    for (const head of [
      // refused by the parser (lower-case method), by the router (bad percent-encoding), by the token check
      `get /v1/entity HTTP/1.1\r\nHost: x\r\ncontent-length: ${big.length}\r\n\r\n`,
      `POST /v1/entity/%zz HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${big.length}\r\n\r\n`,
      `POST /v1/catalog HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${big.length}\r\n\r\n`,
    ]) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), hostname);
        let out = '';
        socket.on('data', (d) => {
          out += d.toString('latin1');
        });
        socket.on('error', () => resolve(`${out}<error>`));
        socket.on('close', () => resolve(out));
        socket.write(head);
        socket.end(big);
        setTimeout(() => socket.destroy(), 5000).unref();
      });
      expect(answer, head.slice(0, 30)).toMatch(/^HTTP\/1\.1 (400|401) /);
      expect(answer).not.toContain('<error>');
    }
  });

  it('a method the router does not know: the token first, then the standard 404', async () => {
    expectStandard(await call(`${env.base}/entity`, { method: 'PROPFIND' }), 401);
    expectStandard(await call(`${env.base}/entity`, { method: 'PROPFIND', token: consumerToken }), 404);
  });
});

describe('development mode: bad values are 400s, never 500s', () => {
  let env: ConsumerEnv;
  let hook: TestWebhook;
  let coordinator: string;

  beforeAll(async () => {
    env = await consumerEnv();
    coordinator = env.server.urls.coordinator;
    hook = await startWebhook((url) => (url.pathname.includes('/timeseries/') ? { body: [] } : undefined));
    await env.entityType('country', { timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x' } } });
    const c = await env.connector('country', 'wiki', { webhook: hook.url });
    await env.upsert(c, [{ id: 'GB', name: 'United Kingdom', entity: { capital: 'London' } }]);
    await env.policy('all', { segment: {} });
  });
  afterAll(async () => {
    await env.close();
    await hook.close();
  });

  it('nesting 10,000 deep: 400 under syntax (email, schema, records)', async () => {
    const arrays = `${'['.repeat(10_000)}"a"${']'.repeat(10_000)}`;
    const objects = `${'{"a":'.repeat(10_000)}{}${'}'.repeat(10_000)}`;
    for (const [url, body] of [
      [`${coordinator}/user`, `{"name":"n","organization":"o","email":${arrays}}`],
      [`${coordinator}/entity/deep`, `{"name":"n","description":"d","schema":${objects}}`],
      [`${coordinator}/policy/deep`, `{"name":"n","description":"d","policy":${objects}}`],
    ] as const) {
      const res = await call(url, { method: 'POST', rawBody: body, headers: { 'content-type': 'application/json' } });
      expectStandard(res, 400);
      const [item] = (res.json as { error: { message: { name: string; reason: string }[] } }).error.message;
      expect(item?.name).toBe('syntax');
      expect(item?.reason).toMatch(/^Nesting deeper than 1000 levels at position \d+$/);
    }
  });

  it('an object where a string is expected: 400 on POST, ignored (email is immutable) on PUT', async () => {
    const body = { name: 'n', organization: 'o', email: { toString: 1 } };
    const created = await call(`${coordinator}/user`, { method: 'POST', body });
    expectStandard(created, 400);
    expect((created.json as { error: { message: unknown } }).error.message).toEqual([
      { name: 'email', index: null, reason: 'is not of a type(s) string' },
    ]);
    expect((await call(`${coordinator}/user/1`, { method: 'PUT', body })).status).toBe(204);
    const update = await call(`${coordinator}/user/1`, { method: 'PUT', body: { ...body, name: { toString: 1 } } });
    expectStandard(update, 400);
  });

  it('offsets far past the end: an empty page (spec §4.1)', async () => {
    const headers = { 'x-bbk-audience': 'all' };
    for (const offset of ['9223372036854775807', '1e19', '1e308']) {
      for (const path of ['/catalog?q={}&', '/entity?', '/entity/country?']) {
        const res = await call(`${env.base}${path}offset=${offset}`, { headers });
        expect(res.status, `${path}${offset}`).toBe(200);
        expect(res.json).toEqual([]);
      }
    }
  });

  it('a timeseries duration past the calendar asks the webhook for everything after start', async () => {
    const id = (await env.consumer({ audience: 'all' }).entities('country'))[0]!.id;
    hook.requests.length = 0;
    const res = await call(
      `${env.base}/entity/country/${id}/timeseries/population?start=2020-01-01T00:00:00Z&duration=1e16`,
      { headers: { 'x-bbk-audience': 'all' } },
    );
    expect(res.status).toBe(200);
    expect(hook.requests.at(-1)?.url).toContain('end=9999-12-31T23%3A59%3A59.999Z');
  });

  it('CORS preflight allows the headers the browser asks for (spec §1.1)', async () => {
    const res = await call(`${env.base}/catalog`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-bbk-audience, x-custom-trace, authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('x-bbk-audience, x-custom-trace, authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    // and a browser may read the request id, the webhook outcome and a 429's wait
    const get = await call(`${env.base}/`, { headers: { origin: 'http://example.com' } });
    expect(get.headers.get('access-control-expose-headers')).toBe(
      'x-request-id, x-bbk-webhook, retry-after, etag, location, ratelimit, ratelimit-policy, x-bbk-suspended',
    );
  });
});

describe('load: every write waits its turn, no request stalls the others', () => {
  let env: ConsumerEnv;
  beforeAll(async () => {
    env = await consumerEnv();
  });
  afterAll(() => env.close());

  it('mixed concurrent writes on both connections all succeed: none is "database is locked"', async () => {
    await env.entityType('thing');
    const c = await env.connector('thing', 'load');
    const contributor = env.server.urls.contributor;
    const headers = { 'x-bbk-auth-token': c.token };
    const open = await call(`${contributor}/connector/${c.cid}/session/open/stream`, { headers });
    const sid = open.json as string;
    const batch = (k: number) =>
      Array.from({ length: 250 }, (_, i) => ({ id: `r${k}-${i}`, name: `n${i}`, entity: { k, i } }));
    const calls: Promise<{ status: number; text: string }>[] = [];
    for (let k = 0; k < 20; k++) {
      calls.push(
        call(`${contributor}/connector/${c.cid}/session/${sid}/upsert`, { method: 'POST', body: batch(k), headers }),
        call(`${env.server.urls.coordinator}/user`, {
          method: 'POST',
          body: { name: `u${k}`, email: `u${k}@example.com`, organization: 'o' },
        }),
        call(`${env.server.urls.coordinator}/policy/pol-${k}`, {
          method: 'POST',
          body: {
            name: 'p',
            description: 'p',
            policy: {
              access_control: { enabled: false },
              data_segment: { segment_query: {} },
              legal_context: [],
            },
          },
        }),
      );
      if (k % 5 === 0) {
        // other connectors' whole sessions, meanwhile
        calls.push(
          (async () => {
            const other = await env.connector('thing', `side-${k}`);
            const h = { 'x-bbk-auth-token': other.token };
            const s = (await call(`${contributor}/connector/${other.cid}/session/open/replace`, { headers: h }))
              .json as string;
            await call(`${contributor}/connector/${other.cid}/session/${s}/upsert`, {
              method: 'POST',
              body: batch(100 + k),
              headers: h,
            });
            return call(`${contributor}/connector/${other.cid}/session/${s}/close/true`, { headers: h });
          })(),
        );
      }
    }
    const results = await Promise.all(calls);
    const failures = results.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.text.slice(0, 100)}`);
    expect(failures).toEqual([]);
    const users = await env.coord.users.list();
    expect(users.filter((u) => u.email.endsWith('@example.com'))).toHaveLength(20);
    expect(await env.consumer({ audience: 'pol-0', connectors: [c.cid] }).entities('thing', { limit: 1 })).toHaveLength(
      1,
    );
  });

  it('a schema that is costly to compile holds up no one: the event loop stays free', async () => {
    // about 250 ms of code generation, on the schema compiler thread
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 150; i++) properties[`p${i}`] = { type: 'string', minLength: 1, maxLength: 64 };
    // this test's process hosts the server: a held event loop shows as a long gap between ticks
    const { result, stallMs } = await longestStall(() =>
      call(`${env.server.urls.coordinator}/entity/wide`, {
        method: 'POST',
        body: { name: 'Wide', description: 'd', schema: { properties } },
      }),
    );
    expect(result.status).toBe(201);
    expect(stallMs).toBeLessThan(250);
  });

  it('a query that looks at every record runs on a reader thread: the event loop stays free', async () => {
    await env.entityType('scan');
    const c = await env.connector('scan', 'scan-wiki');
    for (let k = 0; k < 40; k++) {
      await env.upsert(
        c,
        Array.from({ length: 500 }, (_, i) => ({
          id: `s${k}-${i}`,
          name: `Place ${k}-${i}`,
          entity: { code: `C${k}${i}`, note: `note ${i} of batch ${k}`, tags: ['a', 'b'] },
        })),
      );
    }
    await env.policy('scan-all', { segment: {} });
    // four regexes that match nothing: every one of the 20,000 records is looked at
    const q = {
      $or: ['name', 'entity.code', 'entity.note', 'type'].map((field) => ({
        [field]: { $regex: 'zz+q$', $options: 'i' },
      })),
    };
    const url = `${env.base}/catalog?q=${encodeURIComponent(JSON.stringify(q))}`;
    await call(url, { headers: { 'x-bbk-audience': 'scan-all' } }); // starts the reader thread
    const started = performance.now();
    const { result, stallMs } = await longestStall(() => call(url, { headers: { 'x-bbk-audience': 'scan-all' } }));
    const tookMs = performance.now() - started;
    expect(result.status).toBe(200);
    expect(result.json).toEqual([]);
    expect(stallMs).toBeLessThan(Math.max(60, tookMs / 3));
  });

  it('a type array of 20,000 items is refused at once, on PUT to an unknown type too', async () => {
    const schema = { type: Array.from({ length: 20_000 }, (_, i) => `t${i}`) };
    const started = performance.now();
    const created = await call(`${env.server.urls.coordinator}/entity/big`, {
      method: 'POST',
      body: { name: 'b', description: 'd', schema },
    });
    const updated = await call(`${env.server.urls.coordinator}/entity/unknown`, {
      method: 'PUT',
      body: { name: 'b', description: 'd', schema },
    });
    expect(performance.now() - started).toBeLessThan(2000);
    for (const res of [created, updated]) {
      expectStandard(res, 400);
      expect((res.json as { error: { message: unknown } }).error.message).toEqual([
        { name: 'schema', index: null, reason: 'is not valid JSON schema' },
      ]);
    }
  });
});
