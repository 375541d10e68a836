import type { Rng } from './rng.js';

/** A body as it goes on the wire, with a short description of how it was made (for reproductions). */
export interface WireBody {
  bytes: Buffer;
  contentType: string | undefined;
  note: string;
}

/** Values of the wrong type for any slot, including an object where a string is expected. */
export const WRONG_TYPES: readonly unknown[] = [
  { toString: 1 },
  { valueOf: 'x', toJSON: 1 },
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { constructor: { prototype: { polluted: true } } },
  [],
  [[]],
  ['a', 1, null],
  {},
  true,
  false,
  null,
  0,
  -1,
  '',
  ' ',
  '0',
  'null',
  'true',
];

/** Numbers at the edges, as JSON text (some are not representable as doubles). */
export const EXTREME_NUMBERS: readonly string[] = [
  '1e308',
  '-1e308',
  '1e309',
  '-0',
  '0.0',
  '9223372036854775807',
  '-9223372036854775808',
  '18446744073709551616',
  '1e19',
  '1e16',
  '4.9e-324',
  '1e-400',
  '123456789012345678901234567890123456789',
  '2147483648',
  '-2147483649',
  '0.1',
  '1.5',
  '31536001',
];

/** Strings that break naive handling: NUL, lone surrogates, RTL, combining marks, SQL and regex metacharacters. */
export const NASTY_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '😀',
  '\u202eevil',
  'e\u0301\u0301\u0301',
  "' OR 1=1 --",
  '"; DROP TABLE records; --',
  '$where',
  '$regex',
  '%',
  '%00',
  '\\',
  '(a+)+$',
  '.*'.repeat(50),
  '[',
  '../../etc/passwd',
  '<script>x</script>',
  '\r\nx-injected: 1',
  '\ufeff',
  'ｆｕｌｌ',
  'İ',
  '\u2028\u2029',
];

/** A random JSON-able value of the fuzzer's nasty kinds. */
export function nastyValue(r: Rng): unknown {
  return r.weighted<() => unknown>([
    [3, () => r.pick(WRONG_TYPES)],
    [3, () => r.pick(NASTY_STRINGS)],
    [2, () => Number(r.pick(EXTREME_NUMBERS))],
    [1, () => 'x'.repeat(r.pick([257, 1025, 2049, 70_000]))],
  ])();
}

type Path = Array<string | number>;

function slots(value: unknown, path: Path = [], out: Path[] = [], depth = 0): Path[] {
  out.push(path);
  if (depth > 6) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) slots(v, [...path, i], out, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) slots(v, [...path, k], out, depth + 1);
  }
  return out;
}

function setAt(root: unknown, path: Path, v: unknown): unknown {
  if (path.length === 0) return v;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = v;
  return copy;
}

/** Serialises with a placeholder replaced by raw JSON text (numbers JSON cannot carry, deep nests). */
function withRaw(value: unknown, path: Path, raw: string): string {
  return JSON.stringify(setAt(value, path, '\u0000__raw__')).replace('"\\u0000__raw__"', raw);
}

function deep(r: Rng, n: number): string {
  return r.pick([
    () => '['.repeat(n) + ']'.repeat(n),
    () => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
    () => `${'[{"a":'.repeat(n)}1${'}]'.repeat(n)}`,
  ])();
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;charset=',
  'application/vnd.api+json',
  'application/json, text/plain',
  ' application/json',
  'application/jsonx',
  'application/json; boundary=""""',
  '*/*',
  '',
];

/**
 * A mutated body derived from `value` (a valid body or `undefined`): wrong types, extremes,
 * huge and deeply nested values, unicode and NUL, truncated or invalid JSON, wrong content
 * types. `scale` (0–1) bounds the huge sizes (strings, arrays, keys); nesting goes to 10,000 at any scale.
 */
export function mutateBody(r: Rng, value: unknown, scale: number): WireBody {
  const json = (text: string, note: string, contentType = 'application/json'): WireBody => ({
    bytes: Buffer.from(text, 'utf8'),
    contentType,
    note,
  });
  const base = value ?? {};
  const paths = slots(base);
  // top-level fields half the time: that is where most handlers look first
  const top = paths.filter((p) => p.length === 1);
  const at = top.length && r.chance(0.5) ? r.pick(top) : r.pick(paths);
  const where = at.join('.') || '(root)';
  const depth = r.pick([100, 1000, 10_000]);
  const hugeLen = Math.max(10_000, Math.round(2_000_000 * scale));
  return r.weighted<() => WireBody>([
    [
      6,
      () => {
        const v = r.pick(WRONG_TYPES);
        return json(JSON.stringify(setAt(base, at, v)), `wrong type at ${where}: ${JSON.stringify(v)}`);
      },
    ],
    [
      4,
      () => {
        const n = r.pick(EXTREME_NUMBERS);
        return json(withRaw(base, at, n), `number ${n} at ${where}`);
      },
    ],
    [
      4,
      () => {
        const s = r.pick(NASTY_STRINGS);
        return json(JSON.stringify(setAt(base, at, s)), `string ${JSON.stringify(s)} at ${where}`);
      },
    ],
    [4, () => json(withRaw(base, at, deep(r, depth)), `nesting ${depth} deep at ${where}`)],
    [
      2,
      () => {
        const s = r.pick(['x', 'é', '😀', '\u0000']).repeat(hugeLen);
        return json(JSON.stringify(setAt(base, at, s)), `string of ${hugeLen} chars at ${where}`);
      },
    ],
    [
      1,
      () => {
        const n = Math.round(100_000 * scale) + 10;
        return json(withRaw(base, at, `[${Array(n).fill('"object"').join(',')}]`), `array of ${n} items at ${where}`);
      },
    ],
    [
      1,
      () => {
        const n = Math.round(50_000 * scale) + 10;
        const keys = Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',');
        return json(withRaw(base, at, `{${keys}}`), `object of ${n} keys at ${where}`);
      },
    ],
    [
      3,
      () => {
        const text = JSON.stringify(base);
        const cut = r.int(0, Math.max(0, text.length - 1));
        return json(text.slice(0, cut), `truncated JSON at ${cut}/${text.length}`);
      },
    ],
    [
      2,
      () => {
        const bad = r.pick([
          'NaN',
          '{"a":NaN}',
          '{"a":Infinity}',
          "{'a':1}",
          '{"a":1,}',
          '[1,]',
          '{"a" 1}',
          '\ufeff{}',
          '{}garbage',
          '{"a":1}{"b":2}',
          '/* c */{}',
          'null',
          '5',
          '"x"',
          'true',
          '{"a":"\\x"}',
          '{"a":"\\ud800"}',
          '{"__proto__":{"x":1}}',
          '{"a":1,"a":2}',
          '\u0000',
          '{"a":"\u0000"}',
          ' ',
          '\t\n',
        ]);
        return json(bad, `raw JSON text ${JSON.stringify(bad)}`);
      },
    ],
    [
      1,
      () => ({
        bytes: Buffer.concat([
          Buffer.from('{"name":"'),
          Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
        contentType: 'application/json',
        note: 'invalid UTF-8 bytes in a JSON string',
      }),
    ],
    [
      3,
      () => {
        const ct = r.pick(CONTENT_TYPES);
        return json(JSON.stringify(base), `content-type ${JSON.stringify(ct)}`, ct);
      },
    ],
    [1, () => ({ bytes: Buffer.from(JSON.stringify(base)), contentType: undefined, note: 'no content-type' })],
    [
      2,
      () => {
        const v = structuredClone(base) as Record<string, unknown>;
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const keys = Object.keys(v);
          if (keys.length && r.chance(0.5)) delete v[r.pick(keys)];
          else {
            const key = r.pick(['__proto__', 'constructor', 'extra', 'toString', '$where']);
            Object.defineProperty(v, key, { value: r.pick(WRONG_TYPES), enumerable: true, writable: true });
          }
        }
        return json(JSON.stringify(v), 'a property removed or added');
      },
    ],
    [1, () => json(JSON.stringify(base === value && Array.isArray(base) ? {} : [base]), 'object/array swapped')],
  ])();
}
