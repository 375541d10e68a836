import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, parseBody } from './client.js';
import { BbkApiError, BbkNetworkError } from './errors.js';
import { path } from './url.js';

describe('parseBody', () => {
  it('parses JSON by content type, including JSON strings', () => {
    expect(parseBody('{"a":1}', 'application/json; charset=utf-8')).toEqual({ a: 1 });
    expect(parseBody('"4527eff4-d9cf"', 'application/json')).toBe('4527eff4-d9cf');
    expect(parseBody('{"a":1}', 'application/problem+json')).toEqual({ a: 1 });
  });

  it('returns text for text/html token answers and other types', () => {
    expect(parseBody('aaa.bbb.ccc', 'text/html; charset=utf-8')).toBe('aaa.bbb.ccc');
    expect(parseBody('x', undefined)).toBe('x');
  });

  it('gives undefined for an empty body and throws on malformed JSON', () => {
    expect(parseBody('', 'application/json')).toBeUndefined();
    expect(() => parseBody('{', 'application/json')).toThrow(SyntaxError);
  });
});

// A generic local HTTP server whose answer each test chooses; it records what it received.
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler = (_req, _body, res) => res.end();
let seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string } | undefined;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const reply = (status: number, type: string | undefined, text: string, headers: Record<string, string> = {}) => {
  handler = (_req, _body, res) => {
    res.writeHead(status, { ...(type ? { 'content-type': type } : {}), ...headers });
    res.end(text);
  };
};

describe('createHttpClient', () => {
  it('sends the token, extra headers, a JSON body and the query', async () => {
    reply(201, undefined, '', { location: 'http://h/v1/user/7' });
    const http = createHttpClient({ baseUrl, token: 'tok.en.x', headers: { 'x-extra': '1' } });
    const res = await http.request({ method: 'POST', path: '/user', query: { a: 'b c' }, body: { name: 'A' } });
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/v1/user?a=b+c');
    expect(seen?.headers['x-bbk-auth-token']).toBe('tok.en.x');
    expect(seen?.headers['x-extra']).toBe('1');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen?.body ?? '')).toEqual({ name: 'A' });
    expect(res.status).toBe(201);
    expect(res.body).toBeUndefined();
    expect(res.location).toBe('http://h/v1/user/7');
    await http.close();
  });

  it('sends an id "." or ".." as written (%2E%2E), never as the parent path; fetch refuses it', async () => {
    reply(204, undefined, '');
    const http = createHttpClient({ baseUrl });
    await http.request({ method: 'DELETE', path: path`/user/${2}/access/${'..'}` });
    expect(seen?.url).toBe('/v1/user/2/access/%2E%2E');
    await http.close();
    let called = false;
    const browser = createHttpClient({
      baseUrl,
      fetch: (input, init) => {
        called = true;
        return fetch(input, init);
      },
    });
    await expect(browser.request({ method: 'DELETE', path: path`/user/${2}/access/${'.'}` })).rejects.toThrow(
      'cannot be sent with fetch',
    );
    expect(called).toBe(false);
  });

  it('sends neither token nor content type when there is none', async () => {
    reply(204, undefined, '');
    const http = createHttpClient({ baseUrl });
    await http.request({ method: 'DELETE', path: '/user/7' });
    expect(seen?.headers['x-bbk-auth-token']).toBeUndefined();
    expect(seen?.headers['content-type']).toBeUndefined();
    await http.close();
  });

  it('parses JSON and text answers', async () => {
    const http = createHttpClient({ baseUrl });
    reply(200, 'application/json; charset=utf-8', '[{"id":1}]');
    expect((await http.request({ method: 'GET', path: '/user' })).body).toEqual([{ id: 1 }]);
    reply(200, 'text/html; charset=utf-8', 'a.b.c');
    expect((await http.request({ method: 'POST', path: '/user/2/coordinator' })).body).toBe('a.b.c');
    await http.close();
  });

  it('throws BbkApiError with the parsed standard body on non-2xx', async () => {
    const items = [{ name: 'email', index: null, reason: 'does not conform to the "email" format' }];
    reply(400, 'application/json', JSON.stringify({ error: { code: 400, status: 'Bad Request', message: items } }));
    const http = createHttpClient({ baseUrl });
    const err = await http.request({ method: 'POST', path: '/user', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    const apiError = err as BbkApiError;
    expect(apiError.code).toBe('BAD_REQUEST');
    expect(apiError.items).toEqual(items);
    expect(apiError.method).toBe('POST');
    expect(apiError.url).toBe(`${baseUrl}user`);
    await http.close();
  });

  it('keeps a malformed error body as text', async () => {
    reply(502, 'application/json', '<html>');
    const http = createHttpClient({ baseUrl });
    const err = (await http.request({ method: 'GET', path: '' }).catch((e: unknown) => e)) as BbkApiError;
    expect(err.code).toBe('UNKNOWN');
    expect(err.body).toBe('<html>');
    await http.close();
  });

  it('reports malformed JSON in a 2xx as an invalid response', async () => {
    reply(200, 'application/json', '{');
    const http = createHttpClient({ baseUrl });
    const err = (await http.request({ method: 'GET', path: '' }).catch((e: unknown) => e)) as BbkNetworkError;
    expect(err).toBeInstanceOf(BbkNetworkError);
    expect(err.kind).toBe('invalid-response');
    await http.close();
  });

  it('reports a timeout', async () => {
    handler = () => undefined; // never answers
    const http = createHttpClient({ baseUrl, timeoutMs: 50 });
    const err = (await http.request({ method: 'GET', path: '/slow' }).catch((e: unknown) => e)) as BbkNetworkError;
    expect(err).toBeInstanceOf(BbkNetworkError);
    expect(err.kind).toBe('timeout');
    await http.close();
  });

  it('reports a caller abort', async () => {
    handler = () => undefined;
    const http = createHttpClient({ baseUrl });
    const controller = new AbortController();
    const pending = http.request({ method: 'GET', path: '/slow', signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(((await pending) as BbkNetworkError).kind).toBe('aborted');
    await http.close();
  });

  it('reports a refused connection', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const http = createHttpClient({ baseUrl: `http://127.0.0.1:${port}/v1` });
    const err = (await http.request({ method: 'GET', path: '' }).catch((e: unknown) => e)) as BbkNetworkError;
    expect(err).toBeInstanceOf(BbkNetworkError);
    expect(err.kind).toBe('network');
    await http.close();
  });
});

describe('createHttpClient with a fetch transport (browsers)', () => {
  it('sends through the given fetch, with the same answers and errors as undici', async () => {
    const calls: string[] = [];
    const send: typeof fetch = (input, init) => {
      calls.push(`${init?.method} ${String(input)}`);
      return fetch(input, init);
    };
    const http = createHttpClient({ baseUrl, token: 'tok.en.x', fetch: send });
    reply(201, undefined, '', { location: 'http://h/v1/user/7' });
    const res = await http.request({ method: 'POST', path: '/user', body: { name: 'A' } });
    expect(calls).toEqual([`POST ${baseUrl}user`]);
    expect(seen?.headers['x-bbk-auth-token']).toBe('tok.en.x');
    expect(JSON.parse(seen?.body ?? '')).toEqual({ name: 'A' });
    expect(res.location).toBe('http://h/v1/user/7');
    reply(400, 'application/json', JSON.stringify({ error: { code: 400, status: 'Bad Request', message: [] } }));
    const err = await http.request({ method: 'GET', path: '/user' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    expect((err as BbkApiError).status).toBe(400);
    const down = createHttpClient({ baseUrl: 'http://127.0.0.1:1/v1', fetch: send });
    await expect(down.request({ method: 'GET', path: '' })).rejects.toBeInstanceOf(BbkNetworkError);
  });
});
