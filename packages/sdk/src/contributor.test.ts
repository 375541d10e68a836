import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest, HttpResponse } from './client.js';
import { ContributorClient } from './contributor.js';
import { BbkNetworkError } from './errors.js';

function recorder(answer: (req: HttpRequest) => unknown = () => undefined) {
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
  return { client: new ContributorClient({ http }), requests };
}

const cid = 'a'.repeat(40);
const sid = '4527eff4-d9cf-41c0-9ecc-8e06b57fcf54';

describe('ContributorClient', () => {
  it('maps the four session calls', async () => {
    const { client, requests } = recorder((req) => (req.path.includes('/open/') ? sid : {}));
    expect(await client.openSession(cid, 'accrue')).toBe(sid);
    await client.upsert(cid, sid, [{ id: 'GB', name: 'UK', entity: {} }]);
    await client.delete(cid, sid, ['GB']);
    await client.closeSession(cid, sid, true);
    await client.closeSession(cid, sid, false);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /connector/${cid}/session/open/accrue`,
      `POST /connector/${cid}/session/${sid}/upsert`,
      `POST /connector/${cid}/session/${sid}/delete`,
      `GET /connector/${cid}/session/${sid}/close/true`,
      `GET /connector/${cid}/session/${sid}/close/false`,
    ]);
    expect(requests[1]?.body).toEqual([{ id: 'GB', name: 'UK', entity: {} }]);
    expect(requests[2]?.body).toEqual(['GB']);
  });

  it('rejects an open answer without a session id', async () => {
    const { client } = recorder(() => ({}));
    await expect(client.openSession(cid, 'stream')).rejects.toBeInstanceOf(BbkNetworkError);
  });

  it('runs contribute through its own calls', async () => {
    const { client, requests } = recorder((req) => (req.path.includes('/open/') ? sid : {}));
    const records = Array.from({ length: 260 }, (_, i) => ({ id: `r${i}`, name: 'n', entity: {} }));
    expect(await client.contribute(cid, 'replace', records)).toEqual({ sessionId: sid, sent: 260 });
    expect(requests.map((r) => r.path.split('/').slice(-2).join('/'))).toEqual([
      'open/replace',
      `${sid}/upsert`,
      `${sid}/upsert`,
      'close/true',
    ]);
  });
});
