import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest, HttpResponse } from './client.js';
import { ConsumerClient, consumerHeaders } from './consumer.js';

function recorder(answer: (req: HttpRequest) => unknown = () => []) {
  const requests: HttpRequest[] = [];
  const http: HttpClient = {
    baseUrl: 'http://h/v1',
    async request<T>(req: HttpRequest) {
      requests.push(req);
      const body = answer(req);
      return { status: 200, headers: {}, body, location: undefined, method: req.method, url: 'u' } as HttpResponse<T>;
    },
    async close() {},
  };
  return { http, requests };
}

describe('consumerHeaders', () => {
  it('sends audience and comma-joined connectors only when set', () => {
    expect(consumerHeaders({ audience: 'p1', connectors: ['a', 'b'] })).toEqual({
      'x-bbk-audience': 'p1',
      'x-bbk-connectors': 'a,b',
    });
    expect(consumerHeaders({ connectors: [] })).toEqual({});
  });
});

describe('ConsumerClient', () => {
  it('JSON-encodes the query into q and sends the consumer headers', async () => {
    const { http, requests } = recorder();
    const consumer = new ConsumerClient({ http, audience: 'p1', connectors: ['c1'] });
    await consumer.catalog({ 'entity.population': { $gt: 1e6 } }, { limit: 10, offset: 5 });
    expect(requests[0]).toEqual({
      method: 'GET',
      path: '/catalog',
      query: { q: '{"entity.population":{"$gt":1000000}}', limit: 10, offset: 5 },
      headers: { 'x-bbk-audience': 'p1', 'x-bbk-connectors': 'c1' },
    });
  });

  it('maps entity paths with encoding', async () => {
    const { http, requests } = recorder(() => ({}));
    const consumer = new ConsumerClient({ http });
    await consumer.entityTypes();
    await consumer.entities('country', { limit: 1 });
    await consumer.entity('country', 'abc');
    await consumer.timeseries('country', 'abc', 'pop ulation', {
      start: new Date(0),
      end: '1980-01-01',
      limit: 5,
    });
    await consumer.announce();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /entity',
      'GET /entity/country',
      'GET /entity/country/abc',
      'GET /entity/country/abc/timeseries/pop%20ulation',
      'GET ',
    ]);
    expect(requests[3]?.query).toEqual({
      start: '1970-01-01T00:00:00.000Z',
      end: '1980-01-01',
      duration: undefined,
      limit: 5,
    });
  });

  it('pages catalogAll until a short page', async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ id: `${i}` }));
    const { http, requests } = recorder((req) => {
      const { limit, offset } = req.query as { limit: number; offset: number };
      return all.slice(offset, offset + limit);
    });
    const consumer = new ConsumerClient({ http });
    const ids: string[] = [];
    for await (const item of consumer.catalogAll({ type: 'country' }, { pageSize: 2 })) ids.push(item.id);
    expect(ids).toEqual(['0', '1', '2', '3', '4']);
    expect(requests.map((r) => r.query?.offset)).toEqual([0, 2, 4]);
  });
});
