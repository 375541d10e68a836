import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ bodyLimit: 64 * 1024 });
});
afterAll(() => server.destroy());

describe('conventions shared by the three APIs (spec §1)', () => {
  it('announces each service', async () => {
    for (const [kind, name] of [
      ['coordinator', 'bit-broker coordinator service'],
      ['contributor', 'bit-broker contributor service'],
      ['consumer', 'bit-broker consumer service'],
    ] as const) {
      const url = server.urls[kind];
      for (const u of [url, `${url}/`]) {
        const res = await call(u);
        expect(res.status).toBe(200);
        const body = res.json as { now: string; name: string; base: string; status: string };
        expect(body.name).toBe(name);
        expect(body.base).toBe(url);
        expect(body.status).toBe('development');
        expect(new Date(body.now).toISOString()).toBe(body.now);
      }
    }
  });

  it('answers the error test route with a 500 in development', async () => {
    const res = await call(`${server.urls.consumer}/error/test`);
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error: { code: 500, status: 'Internal Server Error', message: 'test error message - please ignore' },
    });
  });

  it('404s unknown routes and unsupported methods in the standard format', async () => {
    const notFound = { error: { code: 404, status: 'Not Found', message: '' } };
    expect((await call(`${server.urls.coordinator}/nothing/here`)).json).toEqual(notFound);
    const res = await call(`${server.urls.coordinator}/user`, { method: 'PATCH' });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(notFound);
    expect((await call(`${server.urls.coordinator}/entity`, { method: 'DELETE' })).status).toBe(404);
  });

  it('matches paths case-insensitively with an optional trailing slash', async () => {
    expect((await call(`${server.urls.coordinator}/USER/`)).status).toBe(200);
    expect((await call(`${server.urls.coordinator}/User/1`)).status).toBe(200);
  });

  it('reports malformed JSON as a syntax error in the Node 16 wording', async () => {
    const res = await call(`${server.urls.coordinator}/user`, {
      method: 'POST',
      rawBody: '{"name": x}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [{ name: 'syntax', index: null, reason: 'Unexpected token x in JSON at position 9' }],
      },
    });
    const scalar = await call(`${server.urls.coordinator}/user`, {
      method: 'POST',
      rawBody: '5',
      headers: { 'content-type': 'application/json' },
    });
    expect(scalar.json).toMatchObject({
      error: { message: [{ name: 'syntax', reason: 'Unexpected token 5 in JSON at position 0' }] },
    });
  });

  it('routes that take no body ignore any, a malformed one too (promote, live, access, deletes)', async () => {
    const json = { 'content-type': 'application/json' };
    const created = await call(`${server.urls.coordinator}/user`, {
      method: 'POST',
      body: { name: 'Body', email: 'body@example.com', organization: 'O' },
    });
    const uid = created.headers.get('location')!.split('/').pop();
    const policy = {
      name: 'p',
      description: 'p',
      policy: { data_segment: { segment_query: { type: 'x' } }, legal_context: [], access_control: { enabled: false } },
    };
    expect((await call(`${server.urls.coordinator}/policy/bodyless`, { method: 'POST', body: policy })).status).toBe(
      201,
    );
    const calls: [string, string, number][] = [
      ['POST', `/user/${uid}/coordinator`, 200],
      ['DELETE', `/user/${uid}/coordinator`, 204],
      ['POST', `/user/${uid}/access/bodyless`, 201],
      ['PUT', `/user/${uid}/access/bodyless`, 200],
      ['DELETE', `/user/${uid}/access/bodyless`, 204],
      ['DELETE', `/policy/bodyless`, 204],
      ['DELETE', `/user/${uid}`, 204],
    ];
    for (const [method, path, status] of calls) {
      const res = await call(`${server.urls.coordinator}${path}`, { method, rawBody: '{bad', headers: json });
      expect(res.status, `${method} ${path}`).toBe(status);
    }
    // a route that reads its body still refuses a malformed one
    const refused = await call(`${server.urls.coordinator}/policy/bodyless`, {
      method: 'POST',
      rawBody: '{bad',
      headers: json,
    });
    expect(refused.status).toBe(400);
  });

  it('treats other content types and empty bodies as {}', async () => {
    const res = await call(`${server.urls.coordinator}/user`, {
      method: 'POST',
      rawBody: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(400);
    expect((res.json as { error: { message: Array<{ name: string }> } }).error.message.map((m) => m.name)).toEqual([
      'name',
      'email',
      'email',
      'organization',
    ]);
  });

  it('answers 413 over the body limit, not 500', async () => {
    const res = await call(`${server.urls.coordinator}/user`, {
      method: 'POST',
      rawBody: JSON.stringify({ name: 'x'.repeat(100 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ error: { code: 413, status: 'Request Entity Too Large', message: '' } });
  });

  it('takes a gzip or deflate JSON body; 400 on data that does not decode, 413 past the limit decoded, 415 otherwise', async () => {
    const post = async (path: string, body: Buffer, headers: Record<string, string>) => {
      const res = await fetch(`${server.urls.coordinator}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await res.text();
      return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
    };
    const user = (n: number) =>
      Buffer.from(JSON.stringify({ name: `Zip ${n}`, email: `zip${n}@example.com`, organization: 'Z' }));
    expect((await post('/user', gzipSync(user(1)), { 'content-encoding': 'gzip' })).status).toBe(201);
    expect((await post('/user', gzipSync(user(2)), { 'content-encoding': ' X-GZIP ' })).status).toBe(201);
    expect((await post('/user', deflateSync(user(3)), { 'content-encoding': 'deflate' })).status).toBe(201);
    expect((await post('/user', user(4), { 'content-encoding': 'identity' })).status).toBe(201);
    const names = ((await call(`${server.urls.coordinator}/user`)).json as { name: string }[]).map((u) => u.name);
    expect(names).toEqual(expect.arrayContaining(['Zip 1', 'Zip 2', 'Zip 3', 'Zip 4']));
    // not gzip data at all, and gzip data cut short
    for (const body of [user(5), gzipSync(user(5)).subarray(0, 20)]) {
      const bad = await post('/user', body, { 'content-encoding': 'gzip' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toEqual([
        { name: 'syntax', index: null, reason: expect.stringMatching(/^the body is not valid gzip data \(/) },
      ]);
    }
    // 1 MB of JSON in 1 KB: the limit (64 KB here) is on what it decodes to
    const bomb = gzipSync(Buffer.from(JSON.stringify({ name: ' '.repeat(1024 * 1024) })));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const big = await post('/user', bomb, { 'content-encoding': 'gzip' });
    expect(big).toEqual({
      status: 413,
      json: { error: { code: 413, status: 'Request Entity Too Large', message: '' } },
    });
    const br = await post('/user', user(6), { 'content-encoding': 'br' });
    expect(br).toEqual({
      status: 415,
      json: { error: { code: 415, status: 'Unsupported Media Type', message: 'unsupported content encoding "br"' } },
    });
    // a body that is not parsed is drained unread, whatever its encoding: another content type, a route taking none
    const text = await post('/user', user(7), { 'content-encoding': 'br', 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.json.error.message.map((m: { name: string }) => m.name)).toContain('name');
    const uid = ((await call(`${server.urls.coordinator}/user`)).json as { id: number }[]).at(-1)!.id;
    expect((await post(`/user/${uid}/coordinator`, user(8), { 'content-encoding': 'br' })).status).toBe(200);
    // the server still answers on the same connections
    expect((await call(`${server.urls.coordinator}/user/${uid}`)).status).toBe(200);
  });

  it('is open to CORS with preflight on every path', async () => {
    const res = await call(`${server.urls.coordinator}/user/1`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await call(`${server.urls.consumer}/`)).headers.get('access-control-allow-origin')).toBe('*');
    // a path that cannot be decoded too
    const undecodable = await call(`${server.urls.consumer}/%zz`, { method: 'OPTIONS' });
    expect(undecodable.status).toBe(204);
    expect(undecodable.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('sends weak ETags and answers 304 to a matching conditional GET', async () => {
    const first = await call(`${server.urls.coordinator}/user/1`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-f]+-/);
    const again = await call(`${server.urls.coordinator}/user/1`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    // the weak comparison (RFC 9110): the same tag without W/, and *, match too
    for (const tag of [etag!.replace(/^W\//, ''), '*', `"other", ${etag}`])
      expect((await call(`${server.urls.coordinator}/user/1`, { headers: { 'if-none-match': tag } })).status, tag).toBe(
        304,
      );
    expect((await call(`${server.urls.coordinator}/user/1`, { headers: { 'if-none-match': '"other"' } })).status).toBe(
      200,
    );
    // HEAD carries the headers GET would, its ETag included
    const head = await call(`${server.urls.coordinator}/user/1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(head.headers.get('content-length')).toBe(first.headers.get('content-length'));
  });

  it('builds absolute URLs from the Host header and forwarded scheme', async () => {
    const res = await call(`${server.urls.coordinator}/user/1`, { headers: { 'x-forwarded-proto': 'https' } });
    expect((res.json as { url: string }).url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\/user\/1$/);
  });
});
