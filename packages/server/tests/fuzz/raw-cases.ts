import type { FuzzCase } from './cases.js';
import type { Rng } from './rng.js';
import type { Surface, World } from './world.js';

/** One malformed-framing recipe: `mayClose` when the client deliberately leaves the request unfinished. */
interface Recipe {
  name: string;
  make: (host: string, path: string, auth: string) => string | Buffer;
  mayClose?: boolean;
}

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const json = '{"name":"x"}';

const RECIPES: Recipe[] = [
  {
    name: 'duplicate Content-Length',
    make: (h, p, a) =>
      crlf([
        `POST ${p} HTTP/1.1`,
        `host: ${h}`,
        a,
        'content-type: application/json',
        'content-length: 12',
        'content-length: 13',
      ]) + json,
  },
  {
    name: 'Content-Length and Transfer-Encoding',
    make: (h, p, a) =>
      `${crlf([
        `POST ${p} HTTP/1.1`,
        `host: ${h}`,
        a,
        'content-type: application/json',
        'content-length: 12',
        'transfer-encoding: chunked',
      ])}c\r\n${json}\r\n0\r\n\r\n`,
  },
  {
    name: 'bad chunk size',
    make: (h, p, a) =>
      `${crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'content-type: application/json', 'transfer-encoding: chunked'])}zz\r\n${json}\r\n0\r\n\r\n`,
  },
  {
    name: 'chunk size overflow',
    make: (h, p, a) =>
      `${crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'transfer-encoding: chunked'])}ffffffffffffffffff\r\nx\r\n0\r\n\r\n`,
  },
  {
    name: 'chunk without CRLF',
    make: (h, p, a) =>
      `${crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'transfer-encoding: chunked'])}c\r\n${json}0\r\n\r\n`,
  },
  {
    name: 'unknown transfer-encoding',
    make: (h, p, a) =>
      `${crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'transfer-encoding: gzip, chunked, x'])}0\r\n\r\n`,
  },
  { name: 'bare LF line endings', make: (h, p, a) => `GET ${p} HTTP/1.1\nhost: ${h}\n${a}\n\n` },
  {
    name: 'bare CR in a header',
    make: (h, p, a) => `GET ${p} HTTP/1.1\r\nhost: ${h}\r\n${a}\r\nx-a: 1\rx-b: 2\r\n\r\n`,
  },
  { name: 'unknown method', make: (h, p, a) => crlf([`FOO ${p} HTTP/1.1`, `host: ${h}`, a]) },
  { name: 'lower-case method', make: (h, p, a) => crlf([`get ${p} HTTP/1.1`, `host: ${h}`, a]) },
  { name: 'method BREW', make: (h, p, a) => crlf([`BREW ${p} HTTP/1.1`, `host: ${h}`, a]) },
  { name: 'HTTP/0.9 request line', make: (_h, p) => `GET ${p}\r\n\r\n` },
  { name: 'HTTP/2.0 in the request line', make: (h, p, a) => crlf([`GET ${p} HTTP/2.0`, `host: ${h}`, a]) },
  { name: 'HTTP/1.0 without Host', make: (_h, p, a) => crlf([`GET ${p} HTTP/1.0`, a]) },
  { name: 'HTTP/1.1 without Host', make: (_h, p, a) => crlf([`GET ${p} HTTP/1.1`, a]) },
  { name: 'two Host headers', make: (h, p, a) => crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, 'host: evil.example', a]) },
  { name: 'garbage request line', make: () => crlf(['\u0001\u0002\u0003 / HTTP/1.1']) },
  { name: 'space in the target', make: (h, p, a) => crlf([`GET ${p}/a b HTTP/1.1`, `host: ${h}`, a]) },
  { name: 'absolute-form target', make: (h, p, a) => crlf([`GET http://${h}${p} HTTP/1.1`, `host: ${h}`, a]) },
  { name: 'asterisk target', make: (h, _p, a) => crlf(['OPTIONS * HTTP/1.1', `host: ${h}`, a]) },
  { name: 'header without colon', make: (h, p, a) => crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, a, 'x-no-colon']) },
  {
    name: 'space before colon',
    make: (h, p, a) => crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, a, 'x-bbk-audience : fx-europe']),
  },
  {
    name: 'obsolete line folding',
    make: (h, p, a) => crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, a, 'x-bbk-audience: fx-', ' europe']),
  },
  {
    name: 'NUL in a header value',
    make: (h, p, a) => crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, a, 'x-bbk-audience: fx\u0000europe']),
  },
  {
    name: 'negative Content-Length',
    make: (h, p, a) => crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'content-length: -1']),
  },
  {
    name: 'non-numeric Content-Length',
    make: (h, p, a) => crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'content-length: 1x']),
  },
  {
    name: 'huge Content-Length, no body',
    make: (h, p, a) =>
      crlf([
        `POST ${p} HTTP/1.1`,
        `host: ${h}`,
        a,
        'content-type: application/json',
        'content-length: 99999999999999999999',
      ]),
  },
  {
    name: 'Content-Length over the body limit',
    make: (h, p, a) =>
      crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'content-type: application/json', 'content-length: 104857601']),
    mayClose: true,
  },
  {
    name: 'body shorter than Content-Length, then EOF',
    make: (h, p, a) =>
      crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'content-type: application/json', 'content-length: 50']) + json,
    mayClose: true,
  },
  { name: 'request line only, then EOF', make: (_h, p) => `GET ${p} HTTP/1.1\r\n`, mayClose: true },
  {
    name: 'Expect: 100-continue',
    make: (h, p, a) =>
      crlf([
        `POST ${p} HTTP/1.1`,
        `host: ${h}`,
        a,
        'content-type: application/json',
        'expect: 100-continue',
        'content-length: 12',
      ]) + json,
  },
  {
    name: 'unknown Expect',
    make: (h, p, a) => crlf([`POST ${p} HTTP/1.1`, `host: ${h}`, a, 'expect: 999-nope', 'content-length: 0']),
  },
  {
    name: 'Upgrade: websocket',
    make: (h, p, a) => crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, a, 'connection: upgrade', 'upgrade: websocket']),
  },
  {
    name: 'Upgrade: h2c',
    make: (h, p, a) =>
      crlf([
        `GET ${p} HTTP/1.1`,
        `host: ${h}`,
        a,
        'connection: Upgrade, HTTP2-Settings',
        'upgrade: h2c',
        'http2-settings: AAMAAABkAARAAAAAAAIAAAAA',
      ]),
  },
  { name: 'HTTP/2 preface', make: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' },
  { name: 'TLS client hello', make: () => Buffer.from('16030100a5010000a103035b', 'hex') },
  {
    name: 'pipelined valid + malformed',
    make: (h, p, a) =>
      crlf([`GET ${p} HTTP/1.1`, `host: ${h}`, a]) +
      crlf([`GET ${p} HTTP/1.1`, 'content-length: 1', 'content-length: 2']),
  },
  {
    name: 'request line over 16 KB',
    make: (h, p, a) => crlf([`GET ${p}/${'a'.repeat(20_000)} HTTP/1.1`, `host: ${h}`, a]),
  },
];

/** A raw malformed-HTTP case against a random listener. */
export function rawCase(r: Rng, w: World, index: number): FuzzCase {
  const surface = r.pick<Surface>(['coordinator', 'contributor', 'consumer']);
  const url = new URL(w.urls[surface]);
  const token = w.mode === 'production' ? r.pick(w.tokens[surface]) : undefined;
  const auth = token ? `x-bbk-auth-token: ${token}` : 'x-fuzz: 1';
  const path = r.pick([url.pathname, `${url.pathname}/entity`, `${url.pathname}/user`, `${url.pathname}/catalog`]);
  const recipe = r.pick(RECIPES);
  const made = recipe.make(url.host, path, auth);
  return {
    index,
    surface,
    route: `raw: ${recipe.name}`,
    method: 'RAW',
    draftPath: path,
    target: path,
    headers: [],
    notes: [`raw: ${recipe.name}`],
    raw: Buffer.isBuffer(made) ? made : Buffer.from(made, 'latin1'),
    ...(recipe.mayClose ? { mayClose: true, halfClose: true } : {}),
    fixturePolicy: false,
    maskProbe: false,
    stagedAllowed: false,
  };
}
