import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthBook } from './health.js';
import { ReplyCache } from './reply-cache.js';
import { signWebhookRequest, verifyWebhookSignature } from './signature.js';
import { pathSegment, WebhookClient, type WebhookTarget } from './webhook-client.js';

describe('webhook signature (what the server sends)', () => {
  const r = { method: 'GET', target: '/hooks/entity/country/GB', timestamp: 1_700_000_000 };

  it('signs "<t>.<METHOD>.<path>" with HMAC-SHA256 (independent check)', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', 'k').update('1700000000.GET./hooks/entity/country/GB').digest('hex');
    expect(signWebhookRequest('k', r)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies within the tolerance only, and only with the right secret, method and path', () => {
    const header = signWebhookRequest('k', r);
    const now = (r.timestamp + 10) * 1000;
    const req = { method: 'GET', target: r.target };
    expect(verifyWebhookSignature('k', header, req, { now })).toEqual({ ok: true });
    expect(verifyWebhookSignature('other', header, req, { now }).ok).toBe(false);
    expect(verifyWebhookSignature('k', header, { ...req, method: 'POST' }, { now }).ok).toBe(false);
    expect(verifyWebhookSignature('k', header, { ...req, target: '/hooks/entity/country/FR' }, { now }).ok).toBe(false);
    expect(verifyWebhookSignature('k', header, req, { now: (r.timestamp + 301) * 1000 })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyWebhookSignature('k', undefined, req, { now })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyWebhookSignature('k', 't=abc,v1=zz', req, { now })).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('ReplyCache', () => {
  it('serves fresh entries, expires by the ttl given at read time, evicts least recently used', () => {
    const c = new ReplyCache<string>({ maxEntries: 2 });
    c.set('a', 'A', 1, 1000);
    expect(c.get('a', 5000, 5999)).toBe('A');
    expect(c.get('a', 5000, 6000)).toBeUndefined();
    c.set('a', 'A', 1, 0);
    c.set('b', 'B', 1, 0);
    c.get('a', 10_000, 1); // a is now the most recent
    c.set('c', 'C', 1, 2);
    expect(c.get('b', 10_000, 3)).toBeUndefined();
    expect(c.get('a', 10_000, 3)).toBe('A');
    expect(c.get('a', 0, 3)).toBeUndefined(); // cache 0 = never fresh
  });

  it('bounds bytes', () => {
    const c = new ReplyCache<string>({ maxBytes: 10 });
    c.set('a', 'A', 6, 0);
    c.set('b', 'B', 6, 0);
    expect(c.size).toBe(1);
    c.set('huge', 'H', 11, 0);
    expect(c.get('huge', 1000, 1)).toBeUndefined();
  });
});

describe('HealthBook', () => {
  it('counts calls, failures, timeouts and latency', () => {
    const h = new HealthBook();
    h.record(1, { ok: true, latencyMs: 10 }, 0);
    h.record(1, { ok: false, latencyMs: 30, timeout: true, error: 'timeout after 5 ms' }, 1000);
    h.record(1, { ok: false, latencyMs: 20, timeout: false, error: 'HTTP 500' }, 2000);
    expect(h.get(1)).toEqual({
      calls: 3,
      failures: 2,
      timeouts: 1,
      latency_ms_avg: 20,
      latency_ms_last: 20,
      last_error: 'HTTP 500',
      last_call: '1970-01-01T00:00:02.000Z',
      last_success: '1970-01-01T00:00:00.000Z',
      last_failure: '1970-01-01T00:00:02.000Z',
    });
    expect(h.get(2).calls).toBe(0);
  });
});

describe('pathSegment', () => {
  it('percent-encodes, including dot segments', () => {
    expect(pathSegment('a b/c?d')).toBe('a%20b%2Fc%3Fd');
    expect(pathSegment('..')).toBe('%2E%2E');
    expect(pathSegment('a.b')).toBe('a.b');
  });
});

describe('WebhookClient against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: IncomingMessage[] = [];
  let behaviour: (req: IncomingMessage) => { status?: number; body?: string; delayMs?: number; destroy?: boolean } =
    () => ({});

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const b = behaviour(req);
      const answer = () => {
        if (b.destroy) {
          req.socket.destroy();
          return;
        }
        res.writeHead(b.status ?? 200, { 'content-type': 'application/json' });
        res.end(b.body ?? '{}');
      };
      if (b.delayMs) setTimeout(answer, b.delayMs);
      else answer();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  let clock = 1_700_000_000_000;
  const client = () => new WebhookClient({ timeoutMs: 150, now: () => clock });
  const target = (over: Partial<WebhookTarget> = {}): WebhookTarget => ({
    connectorId: 7,
    webhook: base,
    secret: 'shh',
    cacheSeconds: 0,
    ...over,
  });

  it('calls GET {webhook}/entity/{type}/{encoded id} signed, and keeps object entity/instance only', async () => {
    behaviour = () => ({ body: JSON.stringify({ entity: { a: 1 }, instance: [1], other: true }) });
    const c = client();
    seen.length = 0;
    expect(await c.entity(target(), 'country', 'G B/1')).toEqual({ entity: { a: 1 } });
    const req = seen[0]!;
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/hooks/entity/country/G%20B%2F1');
    expect(req.headers.accept).toBe('application/json, text/plain');
    expect(req.headers['content-type']).toBe('application/json');
    const header = req.headers['x-bbk-signature'] as string;
    expect(verifyWebhookSignature('shh', header, { method: 'GET', target: req.url! }, { now: clock })).toEqual({
      ok: true,
    });
    expect(c.health(7)).toMatchObject({ calls: 1, failures: 0 });
    await c.close();
  });

  it('non-2xx, non-JSON, wrong shape, reset and timeout are failures counted in health', async () => {
    const c = client();
    const t = target({ connectorId: 8 });
    behaviour = () => ({ status: 500, body: '{"entity":{"x":1}}' });
    expect(await c.entity(t, 'country', 'a')).toBeUndefined();
    behaviour = () => ({ body: 'not json' });
    expect(await c.entity(t, 'country', 'a')).toBeUndefined();
    behaviour = () => ({ body: '[1,2]' });
    expect(await c.entity(t, 'country', 'a')).toBeUndefined();
    behaviour = () => ({ destroy: true });
    expect(await c.entity(t, 'country', 'a')).toBeUndefined();
    behaviour = () => ({ delayMs: 400 });
    const started = Date.now();
    expect(await c.entity(t, 'country', 'a')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(380);
    const h = c.health(8);
    expect(h).toMatchObject({ calls: 5, failures: 5, timeouts: 1, last_success: null });
    expect(h.last_error).toBe('timeout after 150 ms');
    await c.close();
  });

  it('caches per record for cacheSeconds (clock-driven) and shares concurrent calls', async () => {
    const c = client();
    let n = 0;
    behaviour = () => ({ body: JSON.stringify({ entity: { n: ++n } }), delayMs: 20 });
    const t = target({ connectorId: 9, cacheSeconds: 10 });
    const [a, b] = await Promise.all([c.entity(t, 'country', 'x'), c.entity(t, 'country', 'x')]);
    expect(a).toEqual({ entity: { n: 1 } });
    expect(b).toEqual({ entity: { n: 1 } });
    expect(await c.entity(t, 'country', 'y')).toEqual({ entity: { n: 2 } });
    clock += 9_999;
    expect(await c.entity(t, 'country', 'x')).toEqual({ entity: { n: 1 } });
    clock += 1;
    expect(await c.entity(t, 'country', 'x')).toEqual({ entity: { n: 3 } });
    expect(await c.entity({ ...t, cacheSeconds: 0 }, 'country', 'x')).toEqual({ entity: { n: 4 } });
    expect(c.health(9).calls).toBe(4);
    await c.close();
  });

  it('timeseries: params in order start, end, limit; arrays only', async () => {
    const c = client();
    seen.length = 0;
    behaviour = () => ({ body: '[{"from":"2000","value":1}]' });
    const t = target({ connectorId: 10 });
    const points = await c.timeseries(
      t,
      { type: 'country', vendorId: 'GB', tsid: 'population' },
      { start: '2000-01-01T00:00:00.000Z', end: '2001-01-01T00:00:00.000Z', limit: 5 },
    );
    expect(points).toEqual([{ from: '2000', value: 1 }]);
    expect(seen[0]!.url).toBe(
      '/hooks/timeseries/country/GB/population?start=2000-01-01T00%3A00%3A00.000Z&end=2001-01-01T00%3A00%3A00.000Z&limit=5',
    );
    await c.timeseries(t, { type: 'country', vendorId: 'GB', tsid: 'population' }, { limit: 500 });
    expect(seen[1]!.url).toBe('/hooks/timeseries/country/GB/population?limit=500');
    // the webhook's own query follows bbk's parameters, and is signed with them
    const keyed = target({ connectorId: 12, webhook: `${base}/?key=a%20b&x=1#frag` });
    await c.timeseries(keyed, { type: 'country', vendorId: 'GB', tsid: 'population' }, { limit: 5 });
    expect(seen[2]!.url).toBe('/hooks/timeseries/country/GB/population?limit=5&key=a%20b&x=1');
    behaviour = () => ({ body: '{}' });
    await c.entity(keyed, 'country', 'GB');
    expect(seen[3]!.url).toBe('/hooks/entity/country/GB?key=a%20b&x=1');
    const signed = seen[3]!.headers['x-bbk-signature'] as string;
    expect(verifyWebhookSignature('shh', signed, { method: 'GET', target: seen[3]!.url! }, { now: clock }).ok).toBe(
      true,
    );
    behaviour = () => ({ body: '[{"from":"2000","value":1}]' });
    behaviour = () => ({ body: '{"not":"an array"}' });
    expect(await c.timeseries(t, { type: 'country', vendorId: 'GB', tsid: 'p' }, { limit: 1 })).toBeUndefined();
    await c.close();
  });

  it('an unreachable or invalid webhook is a failure, never a throw', async () => {
    const c = client();
    expect(await c.entity(target({ connectorId: 11, webhook: 'http://127.0.0.1:1' }), 'country', 'a')).toBeUndefined();
    expect(await c.entity(target({ connectorId: 11, webhook: 'not a url' }), 'country', 'a')).toBeUndefined();
    expect(c.health(11)).toMatchObject({ calls: 2, failures: 2, timeouts: 0 });
    await c.close();
  });
});
