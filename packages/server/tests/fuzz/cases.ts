import { mutateBody, NASTY_STRINGS, type WireBody } from './mutators.js';
import { consumerQuery } from './queries.js';
import { rawCase } from './raw-cases.js';
import { Rng } from './rng.js';
import { type Draft, draft } from './routes.js';
import type { Surface, World } from './world.js';

/** One generated request, complete enough to replay. */
export interface FuzzCase {
  index: number;
  surface: Surface;
  route: string;
  method: string;
  /** The draft's path before mutation (what the runner learns from). */
  draftPath: string;
  /** Request target as sent (base path, path, query). */
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
  /** How the case was made: the mutations applied, in order. */
  notes: string[];
  /** Raw malformed bytes: sent as they are on a fresh connection instead of method/target/headers/body. */
  raw?: Buffer;
  /** Raw cases where the client hangs up before the request is complete: a silent close is acceptable. */
  mayClose?: boolean;
  halfClose?: boolean;
  /** The answer is a consumer answer under the fixture policy: the leak invariants apply. */
  fixturePolicy: boolean;
  /** A masked-path probe query under the fixture policy: it must find nothing. */
  maskProbe: boolean;
  /** The staged connector is named in `x-bbk-connectors`: its records may show. */
  stagedAllowed: boolean;
}

/** Token of the right kind, or one of the ways a token can be wrong. */
function authHeader(r: Rng, w: World, surface: Surface, notes: string[]): { token?: string; valid: boolean } {
  const own = w.tokens[surface];
  const others = (Object.keys(w.tokens) as Surface[]).filter((k) => k !== surface).flatMap((k) => w.tokens[k]);
  const choice = r.weighted<string>([
    [80, 'valid'],
    [4, 'wrong-kind'],
    [4, 'rescinded'],
    [4, 'bit-flipped'],
    [3, 'missing'],
    [2, 'garbage'],
    [2, 'kind-swapped'],
  ]);
  if (choice !== 'valid') notes.push(`token: ${choice}`);
  switch (choice) {
    case 'valid':
      return { token: r.pick(own), valid: true };
    case 'wrong-kind':
      return { token: r.pick(others), valid: false };
    case 'rescinded':
      return { token: r.pick(w.rescinded), valid: false };
    case 'bit-flipped': {
      const t = r.pick(own);
      const i = r.int(0, t.length - 1);
      const flipped = String.fromCharCode(t.charCodeAt(i) ^ (1 << r.int(0, 5)));
      const out = t.slice(0, i) + flipped + t.slice(i + 1);
      return { token: /^[\x21-\x7e]*$/.test(out) ? out : `${t}A`, valid: false };
    }
    case 'kind-swapped': {
      const [, key, secret] = r.pick(own).split('.');
      return {
        token: `${r.pick(['coordinator', 'contributor', 'consumer', 'admin', ''])}.${key}.${secret}`,
        valid: false,
      };
    }
    case 'garbage':
      return {
        token: r.pick([
          'x',
          'a.b.c',
          `consumer.${'A'.repeat(64)}.${'B'.repeat(128)}`,
          'Bearer x',
          '..',
          'consumer..',
          '%00',
        ]),
        valid: false,
      };
    default:
      return { valid: false };
  }
}

const PATH_MUTATIONS: Array<[string, (p: string, r: Rng) => string]> = [
  ['bad percent-encoding', (p, r) => `${p}/${r.pick(['%zz', '%', '%2', '%c0%af', '%ed%a0%80', '%00', '%ff%fe'])}`],
  [
    'percent-encoded segment',
    (p) =>
      p.replace(
        /\/([^/]+)$/,
        (_m, s: string) => `/${[...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}`,
      ),
  ],
  ['upper-cased path', (p) => p.toUpperCase()],
  ['trailing slash', (p) => `${p}/`],
  ['double slash', (p) => p.replace('/', '//')],
  ['dot segments', (p) => `${p}/../${p.split('/').pop()}`],
  ['long segment', (p, r) => `${p}/${'a'.repeat(r.pick([2049, 6000, 70_000]))}`],
  ['raw UTF-8 bytes', (p) => `${p}/${Buffer.from('é東😀', 'utf8').toString('latin1')}`],
  ['fragment and odd characters', (p, r) => `${p}${r.pick(['#frag', '?', '?&&', ';x', '/*', '/%2f', '\\x'])}`],
];

function queryString(q: Record<string, string> | undefined): string {
  if (!q || Object.keys(q).length === 0) return '';
  return `?${Object.entries(q)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')}`;
}

const QUERY_MUTATIONS: Array<[string, (r: Rng) => string]> = [
  ['duplicate parameters', () => 'limit=1&limit=2&offset=0&offset=x&q={}&q=[]'],
  ['array and object parameters', () => 'limit[]=1&offset[a]=1&q[$ne]=1'],
  ['bad percent-encoding in query', () => 'q=%zz&limit=%'],
  [
    'huge query',
    (r) => `q=${encodeURIComponent(JSON.stringify({ name: { $in: Array(r.pick([1000, 20_000])).fill('x') } }))}`,
  ],
  ['unicode query', (r) => `q=${encodeURIComponent(JSON.stringify({ name: r.pick(NASTY_STRINGS) }))}`],
  ['parameter without value', () => 'q&limit&offset='],
  ['prototype keys', () => '__proto__=1&constructor=x&toString=1'],
];

function mutateHeaders(r: Rng, headers: Array<[string, string]>, notes: string[]): void {
  const pick = r.weighted<() => [string, Array<[string, string]>]>([
    [2, () => ['header over 16 KB', [['x-long', 'a'.repeat(r.pick([17_000, 40_000, 90_000]))]]]],
    [
      1,
      () => [
        'many headers',
        Array.from({ length: r.pick([200, 2000]) }, (_, i) => [`x-h${i}`, 'v'] as [string, string]),
      ],
    ],
    [
      2,
      () => [
        'x-bbk-connectors of many ids',
        [
          [
            'x-bbk-connectors',
            Array(r.pick([17, 1000, 20_000]))
              .fill('a'.repeat(40))
              .join(','),
          ],
        ],
      ],
    ],
    [
      1,
      () => [
        'odd x-bbk-audience',
        [['x-bbk-audience', r.pick(['', ',', 'FX-EUROPE', 'fx-europe,fz-pol-a', '%00', 'a'.repeat(5000)])]],
      ],
    ],
    [
      1,
      () => [
        'odd forwarding headers',
        [
          ['x-forwarded-proto', r.pick(['javascript', 'https,http', '\t', 'é'])],
          ['x-forwarded-scheme', r.pick(['', 'x y'])],
        ],
      ],
    ],
    [1, () => ['odd If-None-Match', [['if-none-match', r.pick(['*', 'W/"', '"x", W/"y"', ','.repeat(1000)])]]]],
    [
      1,
      () => [
        'odd Accept and encodings',
        [
          ['accept', 'application/xml'],
          ['accept-encoding', 'gzip, br, zstd, x'],
          ['accept-charset', 'utf-7'],
        ],
      ],
    ],
    [1, () => ['latin1 bytes in a header', [['x-bbk-audience', Buffer.from('fx-europeé', 'utf8').toString('latin1')]]]],
  ])();
  notes.push(pick[0]);
  headers.push(...pick[1]);
}

/**
 * Case `index` of `seed`: a draft for a random route, its auth, then mutations. `scale` (0–1)
 * bounds the huge values. The same seed and index always give the same request.
 */
export function makeCase(
  w: World,
  seed: number,
  index: number,
  scale: number,
  skip: ReadonlySet<string> = new Set(),
): FuzzCase {
  const r = Rng.forCase(seed, index);
  if (r.chance(0.05)) return rawCase(r, w, index);
  const d: Draft = draft(r, w, skip);
  const notes: string[] = [];
  const headers: Array<[string, string]> = [...(d.headers ?? [])];
  let authValid = w.mode === 'development';
  if (w.mode === 'production') {
    const auth = authHeader(r, w, d.surface, notes);
    authValid = auth.valid;
    if (auth.token !== undefined) headers.push(['x-bbk-auth-token', auth.token]);
    if (r.chance(0.01) && auth.token) {
      headers.push(['x-bbk-auth-token', auth.token]);
      notes.push('token header twice');
    }
  }
  let audienceFixture = w.mode === 'production' && authValid;
  let stagedAllowed = false;
  if (d.surface === 'consumer') {
    if (w.mode === 'development') {
      const aud = r.weighted<() => string | undefined>([
        [8, () => w.fixture.policy],
        [1, () => r.pick(w.owned.policies)],
        [1, () => undefined],
      ])();
      if (aud !== undefined) headers.push(['x-bbk-audience', aud]);
      audienceFixture = aud === w.fixture.policy;
    } else if (r.chance(0.1)) {
      headers.push(['x-bbk-audience', r.pick(w.owned.policies)]);
      notes.push('x-bbk-audience in production');
    }
    if (r.chance(0.15)) {
      const ids = [w.fixture.staged.cid, ...(r.chance(0.3) ? [' ', 'x', w.fixture.live.cid] : [])];
      headers.push(['x-bbk-connectors', ids.join(',')]);
      stagedAllowed = true;
    }
  }

  let path = d.path;
  let query = queryString(d.query);
  let body: WireBody | undefined =
    d.body === undefined
      ? undefined
      : { bytes: Buffer.from(JSON.stringify(d.body)), contentType: 'application/json', note: '' };
  if (r.chance(d.body === undefined ? 0.15 : 0.55)) {
    body = mutateBody(r, d.body ?? (r.chance(0.5) ? consumerQuery(r, w) : undefined), scale);
    notes.push(`body: ${body.note}`);
  }
  if (r.chance(0.1)) {
    const [name, fn] = r.pick(PATH_MUTATIONS);
    path = fn(path, r);
    notes.push(`path: ${name}`);
  }
  if (r.chance(0.06)) {
    const [name, fn] = r.pick(QUERY_MUTATIONS);
    query = `?${fn(r)}`;
    notes.push(`query: ${name}`);
  }
  if (r.chance(0.06)) mutateHeaders(r, headers, notes);
  let method = d.method;
  if (r.chance(0.03)) {
    // only methods that change nothing here: a GET turned into a DELETE could remove the fixture
    method = r.pick(['PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'SEARCH', 'TRACE', 'get']);
    notes.push(`method ${method}`);
  }
  if (body?.contentType !== undefined) headers.push(['content-type', body.contentType]);
  const base = new URL(w.urls[d.surface]).pathname.replace(/\/$/, '');
  return {
    index,
    surface: d.surface,
    route: d.route,
    method,
    draftPath: d.path,
    target: `${base}${path}${query}`,
    headers,
    ...(body ? { body: body.bytes } : {}),
    notes,
    fixturePolicy: d.surface === 'consumer' && audienceFixture,
    maskProbe:
      d.maskProbe === true &&
      audienceFixture &&
      method === 'GET' &&
      notes.every((n) => !/^(query|path|method)/.test(n)),
    stagedAllowed,
  };
}
