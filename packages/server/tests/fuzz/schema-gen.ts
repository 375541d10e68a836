import type { Rng } from './rng.js';

/** The subset of JSON Schema the request schemas of `@bbk/sdk/protocol` use. */
export interface Schema {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  enum?: readonly unknown[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  uniqueItems?: boolean;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

/** Generators for the patterns the schemas declare; a pattern not listed here is a bug in the fuzzer. */
const PATTERNS: Array<[RegExp, (r: Rng, s: Schema) => string]> = [
  [
    /^\^\[a-z\]\[a-z0-9-\]\+\$$/,
    (r, s) =>
      r.pick(LOWER.split('')) +
      r.chars(r.int((s.minLength ?? 3) - 1, Math.min(12, (s.maxLength ?? 32) - 1)), `${LOWER}0123456789-`),
  ],
  [/^\^P/, (r) => r.pick(['P1Y', 'PT1H', 'P1DT', 'P2W', 'P1M', 'PT30M', 'P1Y2M3DT4H5M6.5S'])],
  [/^\^\[a-z0-9\]\+\$$/, (r, s) => r.chars(s.minLength ?? 40, HEX)],
  [/^\^\[a-z0-9\]\[a-z0-9-\]\+\$$/, (r) => uuid(r)],
  [/^\^\[0-9\]\{1,8\}\$$/, (r) => String(r.int(1, 99_999_999))],
  [
    /^\^\\d\{4\}/,
    (r) =>
      r.pick([
        '2020',
        '2020-02',
        '2020-02-29',
        '2021-06-01T12:30',
        '2021-06-01T12:30:15.123Z',
        '1999-12-31T23:59:59+01:00',
      ]),
  ],
  [
    /^\^https\?:/,
    (r) => r.pick(['https://example.com/a', 'http://bbk.test/x?y=1', `https://${r.chars(8, LOWER)}.org/`]),
  ],
];

/** A random lower-case UUID v4. */
export function uuid(r: Rng): string {
  const h = (n: number) => r.chars(n, HEX);
  return `${h(8)}-${h(4)}-4${h(3)}-${r.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

function typeOf(r: Rng, s: Schema): string | undefined {
  if (Array.isArray(s.type)) return r.pick(s.type as string[]);
  return s.type as string | undefined;
}

function stringFor(r: Rng, s: Schema): string {
  if (s.format === 'email') return `${r.chars(r.int(1, 10), LOWER)}.${r.chars(3, LOWER)}@${r.chars(5, LOWER)}.io`;
  if (s.pattern) {
    const gen = PATTERNS.find(([re]) => re.test(s.pattern!));
    if (!gen) throw new Error(`no generator for pattern ${s.pattern}`);
    return gen[1](r, s);
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, min + 40);
  const words = ['Alpha', 'beta', 'Gamma', 'delta', 'épsilon', '東京', 'x', 'data set', 'Ünïcode'];
  let out = '';
  const target = r.int(min, max);
  while (out.length < target) out += `${r.pick(words)} `;
  out = out.slice(0, target);
  // a trailing space is harmless, but keep min length exact
  return out.length >= min ? out : out.padEnd(min, 'x');
}

/**
 * A random value that passes `schema` (valid request bodies, §2–§4 of the spec).
 * @example fromSchema(rng, userCreateSchema) // { name: 'Alpha be', email: 'abc.xyz@qwert.io', organization: 'x' }
 */
export function fromSchema(r: Rng, s: Schema, depth = 0): unknown {
  if (s.enum) return r.pick(s.enum);
  switch (typeOf(r, s)) {
    case 'null':
      return null;
    case 'boolean':
      return r.chance(0.5);
    case 'integer':
    case 'number': {
      const min = s.minimum ?? 0;
      const max = s.maximum ?? min + 1000;
      return r.chance(0.2) ? min : r.chance(0.2) ? max : r.int(min, Math.min(max, min + 1000));
    }
    case 'string':
      return stringFor(r, s);
    case 'array': {
      const n = r.int(s.minItems ?? 0, Math.min(s.maxItems ?? 4, (s.minItems ?? 0) + 4));
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const v = s.items ? fromSchema(r, s.items, depth + 1) : r.int(0, 9);
        if (s.uniqueItems && out.some((o) => JSON.stringify(o) === JSON.stringify(v))) continue;
        out.push(v);
      }
      return out;
    }
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(k) || r.chance(0.6)) out[k] = fromSchema(r, sub, depth + 1);
      }
      if (s.additionalProperties && typeof s.additionalProperties === 'object' && depth < 4) {
        for (let i = r.int(0, 2); i > 0; i--) {
          const key = s.propertyNames ? String(fromSchema(r, s.propertyNames, depth + 1)) : r.chars(5, LOWER);
          out[key] = fromSchema(r, s.additionalProperties, depth + 1);
        }
      }
      return out;
    }
  }
}
