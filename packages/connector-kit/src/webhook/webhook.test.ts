import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookRequest } from './signature.js';
import { createWebhook, type Webhook, type WebhookHandlers } from './webhook.js';

const records: Record<string, { name: string; entity: Record<string, unknown>; _secret: string }> = {
  GB: { name: 'United Kingdom', entity: { inflation: 4.3, _cost: 1 }, _secret: 'x' },
  'a b/c': { name: 'Odd id', entity: { odd: true }, _secret: 'y' },
};
const series = [1960, 1961, 1962, 1963, 1964].map((year) => ({ from: String(year), value: year - 1900 }));

const handlers: WebhookHandlers = {
  entity: (_type, id) => {
    const record = records[id];
    return record ? { ...record, instance: { checked: true } } : undefined;
  },
  timeseries: (_type, id, tsid) => (id === 'GB' && tsid === 'population' ? series : null),
};

let webhook: Webhook | undefined;
afterEach(async () => {
  await webhook?.close();
  webhook = undefined;
});

async function start(...args: Parameters<typeof createWebhook>): Promise<string> {
  webhook = createWebhook(...args);
  return webhook.listen(0);
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('createWebhook', () => {
  it('serves entity extras without private keys and 404 for unknown ids', async () => {
    const url = await start(handlers, { onError: () => {} });
    expect(await get(`${url}/entity/country/GB`)).toEqual({
      status: 200,
      body: { entity: { inflation: 4.3 }, instance: { checked: true } },
    });
    expect(await get(`${url}/entity/country/${encodeURIComponent('a b/c')}`)).toMatchObject({
      status: 200,
      body: { entity: { odd: true } },
    });
    expect(await get(`${url}/entity/country/XX`)).toEqual({
      status: 404,
      body: { error: { code: 404, status: 'Not Found', message: '' } },
    });
  });

  it('serves timeseries newest first, windowed and limited', async () => {
    const url = await start(handlers);
    const all = await get(`${url}/timeseries/country/GB/population`);
    expect((all.body as { value: number }[]).map((p) => p.value)).toEqual([64, 63, 62, 61, 60]);
    const window = await get(
      `${url}/timeseries/country/GB/population?start=1961-01-01T00:00:00.000Z&end=1964-01-01T00:00:00.000Z&limit=2`,
    );
    expect(window.body).toEqual([
      { from: '1963-01-01T00:00:00.000Z', value: 63 },
      { from: '1962-01-01T00:00:00.000Z', value: 62 },
    ]);
    expect((await get(`${url}/timeseries/country/GB/other`)).status).toBe(404);
    expect((await get(`${url}/timeseries/country/FR/population`)).status).toBe(404);
  });

  it('answers 400 with validation items for bad parameters and malformed escapes', async () => {
    const url = await start(handlers);
    expect(await get(`${url}/timeseries/country/GB/population?start=yesterday&limit=0`)).toEqual({
      status: 400,
      body: {
        error: {
          code: 400,
          status: 'Bad Request',
          message: [
            { name: 'start', index: null, reason: 'is not valid ISO-8601 date format' },
            { name: 'limit', index: null, reason: 'must be greater than or equal to 1' },
          ],
        },
      },
    });
    expect((await get(`${url}/entity/country/%E0%A4%A`)).status).toBe(400);
  });

  it('has /health, 404 for other paths and 405 for other methods', async () => {
    const url = await start(handlers);
    expect(await get(`${url}/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await get(`${url}/entity/country`)).status).toBe(404);
    expect((await get(`${url}/whatever`)).status).toBe(404);
    const post = await fetch(`${url}/entity/country/GB`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('verifies signatures when given the secret, except on /health', async () => {
    const secret = 'the-webhook-secret';
    const url = await start(handlers, { secret });
    const target = '/timeseries/country/GB/population?limit=1';
    const signed = (t: number, path = target) => ({
      'x-bbk-signature': signWebhookRequest(secret, { method: 'GET', target: path, timestamp: t }),
    });
    const now = Math.floor(Date.now() / 1000);
    expect(await get(`${url}${target}`, signed(now))).toMatchObject({ status: 200, body: [{ value: 64 }] });
    expect((await get(`${url}${target}`)).status).toBe(401);
    expect((await get(`${url}${target}`, signed(now - 3600))).status).toBe(401);
    expect((await get(`${url}${target}`, signed(now, '/timeseries/country/GB/population?limit=2'))).status).toBe(401);
    expect((await get(`${url}/health`)).status).toBe(200);
  });

  it('routes below a base path, as registered in the webhook URL', async () => {
    const url = await start(handlers, { basePath: '/hooks/countries/' });
    expect(url).toMatch(/\/hooks\/countries$/);
    expect((await get(`${url}/entity/country/GB`)).status).toBe(200);
    expect((await get(url.replace('/hooks/countries', '/entity/country/GB'))).status).toBe(404);
  });

  it('takes `.` and `..` as ids (sent as %2E, %2E%2E), and a base path with a space, encoded', async () => {
    const seen: string[] = [];
    const url = await start(
      {
        entity: (_type, id) => {
          seen.push(id);
          return { entity: { id } };
        },
        timeseries: (_type, id) => [{ from: '2000', value: id.length }],
      },
      { basePath: '/my hooks/v1' },
    );
    expect(url).toMatch(/\/my%20hooks\/v1$/);
    // a raw request: fetch (a URL parser) would resolve the dot segments before sending
    const { origin, pathname } = new URL(url);
    const raw = async (path: string) => {
      const { getGlobalDispatcher } = await import('undici');
      const res = await getGlobalDispatcher().request({ origin, path: `${pathname}${path}`, method: 'GET' });
      return { status: res.statusCode, body: (await res.body.json()) as unknown };
    };
    expect(await raw('/entity/thing/%2E%2E')).toEqual({ status: 200, body: { entity: { id: '..' } } });
    expect(await raw('/entity/thing/%2E')).toEqual({ status: 200, body: { entity: { id: '.' } } });
    expect(await raw('/timeseries/thing/%2E%2E/level')).toMatchObject({ status: 200, body: [{ value: 2 }] });
    expect(seen).toEqual(['..', '.']);
    expect((await raw('/entity/thing')).status).toBe(404);
  });

  it('answers 500 without details when a handler throws or returns unusable points', async () => {
    const errors: unknown[] = [];
    const url = await start(
      {
        entity: () => {
          throw new Error('database down');
        },
        timeseries: () => [{ from: 'not a date', value: 1 }],
      },
      { onError: (error) => errors.push(error) },
    );
    expect(await get(`${url}/entity/country/GB`)).toEqual({
      status: 500,
      body: { error: { code: 500, status: 'Internal Server Error', message: '' } },
    });
    expect((await get(`${url}/timeseries/country/GB/population`)).status).toBe(500);
    expect(errors.map(String)).toEqual(['Error: database down', expect.stringMatching(/point 0\.from is not a date/)]);
    expect(await get(`${url}/health`)).toMatchObject({ body: { calls: { entity: 1, timeseries: 1, failures: 2 } } });
  });
});
