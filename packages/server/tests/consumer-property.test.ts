import type { RecordInput } from '@bbk/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId } from './consumer-setup.js';

// ---- an independent evaluator of the query semantics (spec §4.3), on plain JS values

type J = null | boolean | number | string | J[] | { [k: string]: J };
type Rec = { id: string; name: string; type: string; entity: { [k: string]: J }; instance?: { [k: string]: J } };
const isObj = (v: unknown): v is { [k: string]: J } => typeof v === 'object' && v !== null && !Array.isArray(v);

function lookup(r: Rec, path: string): { found: boolean; value?: J } {
  let cur: J | undefined = r as unknown as J;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)]!;
    else if (isObj(cur) && !/^(0|[1-9]\d*)$/.test(seg) && Object.hasOwn(cur, seg)) cur = cur[seg]!;
    else return { found: false };
  }
  return { found: true, value: cur };
}

function deepEqual(a: J, b: J): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isObj(a))
    return (
      isObj(b) &&
      Object.keys(a).length === Object.keys(b).length &&
      Object.keys(a).every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!))
    );
  return a === b;
}
const contains = (a: J, b: J[]) => Array.isArray(a) && b.every((y) => a.some((x) => deepEqual(x, y)));

function equals(f: { found: boolean; value?: J }, v: J): boolean {
  if (!f.found) return false;
  if (Array.isArray(v)) return contains(f.value!, v);
  return deepEqual(f.value!, v);
}
const codeOrder = (a: string, b: string) => {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};
function compare(f: { found: boolean; value?: J }, op: string, v: J): boolean {
  if (!f.found) return false;
  const x = f.value!;
  const test = (d: number) => (op === '$lt' ? d < 0 : op === '$lte' ? d <= 0 : op === '$gt' ? d > 0 : d >= 0);
  if (typeof v === 'string') return typeof x === 'string' && test(codeOrder(x, v));
  if (typeof v === 'number') {
    if (typeof x === 'number') return test(x - v);
    const below = x === null || typeof x === 'string';
    return op === '$lt' || op === '$lte' ? below : !below;
  }
  throw new Error('operand not generated');
}
const inList = (f: { found: boolean; value?: J }, list: J[]) => f.found && list.some((v) => deepEqual(f.value!, v));

function matchField(r: Rec, path: string, cond: J): boolean {
  const f = lookup(r, path);
  if (!isObj(cond) || !Object.keys(cond).some((k) => k.startsWith('$'))) {
    return cond === null ? !f.found || f.value === null : equals(f, cond);
  }
  return Object.entries(cond).every(([op, v]) => {
    switch (op) {
      case '$eq':
      case '$contains':
        return equals(f, v);
      case '$ne':
        return !equals(f, v);
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        return compare(f, op, v);
      case '$in':
        return inList(f, v as J[]);
      case '$nin':
        return (v as J[]).length > 0 && f.found && !inList(f, v as J[]);
      case '$regex':
        return (
          f.found &&
          typeof f.value === 'string' &&
          new RegExp(v as string, `s${String(cond.$options ?? '').includes('i') ? 'i' : ''}`).test(f.value)
        );
      case '$options':
        return true;
      case '$not':
        return !matchField(r, path, v);
      default:
        throw new Error(`operator not generated: ${op}`);
    }
  });
}

function matches(r: Rec, q: { [k: string]: J }): boolean {
  return Object.entries(q).every(([k, v]) => {
    if (k === '$and') return (v as { [k: string]: J }[]).every((s) => matches(r, s));
    if (k === '$or') return (v as { [k: string]: J }[]).some((s) => matches(r, s));
    if (k === '$nor') return !(v as { [k: string]: J }[]).some((s) => matches(r, s));
    if (k === '$not') return !matches(r, v as { [k: string]: J });
    return matchField(r, k, v);
  });
}

/** The record with the masks of its type applied (object paths only: the generated masks never cross arrays). */
function masked(r: Rec, masks: string[]): Rec {
  const copy = structuredClone(r);
  for (const m of masks) {
    const [type, ...rest] = m.split('.');
    if (type !== r.type) continue;
    const [section, ...path] = rest[0] === 'entity' || rest[0] === 'instance' ? rest : ['entity', ...rest];
    let cur: J | undefined = (copy as unknown as { [k: string]: J })[section!];
    for (const seg of path.slice(0, -1)) cur = isObj(cur) ? cur[seg] : undefined;
    if (isObj(cur)) delete cur[path.at(-1)!];
  }
  return copy;
}

// ---- generators

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('x', 'y', 'xy', 'Y', 'z', ''),
  fc.boolean(),
  fc.constant(null),
);
const plain = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y', 'xy', 'Y'), fc.boolean());
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(plain, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ x: scalar, y: scalar }, { requiredKeys: [] }) },
);
const entity = fc.record(
  {
    a: value,
    b: value,
    c: value,
    n: fc.integer({ min: -5, max: 5 }),
    nested: fc.record({ x: scalar, y: value }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const record = fc.record({
  type: fc.constantFrom('alpha', 'beta'),
  entity,
  instance: fc.option(fc.record({ i: scalar }, { requiredKeys: [] }), { nil: undefined }),
});

const PATHS = [
  'entity.a',
  'entity.b',
  'entity.c',
  'entity.n',
  'entity.nested',
  'entity.nested.x',
  'entity.nested.y',
  'instance.i',
  'type',
  'entity.a.0',
  'entity.b.1',
];
const MASKS = [
  'alpha.a',
  'alpha.entity.nested.x',
  'alpha.instance.i',
  'beta.nested',
  'beta.entity.b',
  'beta.c',
  'alpha.entity.n',
  'beta.instance.i',
  'alpha.nested.y',
  'beta.entity.nested.y',
];

const fieldCond: fc.Arbitrary<J> = fc.oneof(
  scalar,
  fc.array(plain, { maxLength: 2 }),
  fc.record({ x: scalar }),
  fc.record({ $eq: scalar }),
  fc.record({ $ne: scalar }),
  fc
    .tuple(
      fc.constantFrom('$lt', '$lte', '$gt', '$gte'),
      fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'xy', 'Y')),
    )
    .map(([op, v]) => ({ [op]: v })),
  fc.record({ $in: fc.array(scalar, { maxLength: 3 }) }),
  fc.record({ $nin: fc.array(scalar, { maxLength: 3 }) }),
  fc.record({ $contains: fc.array(plain, { minLength: 1, maxLength: 2 }) }),
  fc.record({ $regex: fc.constantFrom('^x', 'y$', 'x.', '[xy]', 'x|z'), $options: fc.constantFrom('', 'i') }),
  fc.record({ $not: fc.record({ $gt: fc.integer({ min: -2, max: 2 }) }) }),
  fc.record({ $gte: fc.integer({ min: -3, max: 0 }), $lt: fc.integer({ min: 1, max: 3 }) }),
);

const query: fc.Arbitrary<{ [k: string]: J }> = fc.letrec<{ q: { [k: string]: J } }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...PATHS), fieldCond, { minKeys: 1, maxKeys: 2 }) },
    { weight: 1, arbitrary: fc.array(tie('q'), { minLength: 1, maxLength: 3 }).map((items) => ({ $and: items })) },
    { weight: 2, arbitrary: fc.array(tie('q'), { minLength: 1, maxLength: 3 }).map((items) => ({ $or: items })) },
    { weight: 1, arbitrary: fc.array(tie('q'), { minLength: 1, maxLength: 2 }).map((items) => ({ $nor: items })) },
    { weight: 2, arbitrary: tie('q').map((item) => ({ $not: item })) },
  ),
})).q;

// ---- the property, against the real server

let env: ConsumerEnv;
let run = 0;
const stats = { queries: 0, nonEmpty: 0, selective: 0 };

beforeAll(async () => {
  env = await consumerEnv();
  await env.entityType('alpha');
  await env.entityType('beta');
});
afterAll(() => env.close());

describe('policy enforcement (property)', () => {
  it('returns exactly segment(full record) ∧ q(masked record), and no masked attribute ever appears', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 3, maxLength: 12 }),
        fc.option(query, { nil: undefined, freq: 2 }),
        fc.subarray(MASKS),
        fc.array(query, { minLength: 1, maxLength: 3 }),
        async (generated, segment, masks, queries) => {
          run++;
          const records: Rec[] = generated.map((g, i) => ({
            id: `r${i}`,
            name: `N${i}`,
            type: g.type,
            entity: g.entity as { [k: string]: J },
            ...(g.instance ? { instance: g.instance as { [k: string]: J } } : {}),
          }));
          const connectors = {
            alpha: await env.connector('alpha', `alpha-${run}`),
            beta: await env.connector('beta', `beta-${run}`),
          };
          try {
            for (const type of ['alpha', 'beta'] as const) {
              const mine = records.filter((r) => r.type === type);
              if (mine.length)
                await env.upsert(
                  connectors[type],
                  mine.map(({ type: _t, ...r }) => r as RecordInput),
                );
            }
            const pid = `prop-${run}`;
            await env.policy(pid, { segment: segment ?? {}, masks });
            const consumer = env.consumer({ audience: pid });
            const idOf = (r: Rec) => publicId(connectors[r.type as 'alpha' | 'beta'].cid, r.id);
            const inSegment = records.filter((r) => (segment ? matches(r, segment) : true));
            const order = (rs: Rec[]) => ['alpha', 'beta'].flatMap((t) => rs.filter((r) => r.type === t)).map(idOf);

            for (const q of queries) {
              const expected = order(inSegment.filter((r) => matches(masked(r, masks), q)));
              const got = (await consumer.catalog(q as never)).map((i) => i.id);
              stats.queries++;
              if (got.length > 0) stats.nonEmpty++;
              if (got.length > 0 && got.length < inSegment.length) stats.selective++;
              expect(got.sort(), JSON.stringify({ segment, masks, q, records })).toEqual([...expected].sort());
            }
            for (const type of ['alpha', 'beta'] as const) {
              const got = (await consumer.entities(type)).map((i) => i.id);
              expect(got).toEqual(order(inSegment.filter((r) => r.type === type)));
            }
            for (const r of records) {
              const detail = await consumer.entity(r.type, idOf(r)).catch((e: { status?: number }) => e.status);
              if (!inSegment.includes(r)) {
                expect(detail).toBe(404);
                continue;
              }
              const m = masked(r, masks);
              const d = detail as { entity: unknown; instance: unknown };
              expect({ entity: d.entity, instance: d.instance }).toEqual({
                entity: m.entity,
                instance: m.instance ?? {},
              });
            }
          } finally {
            await env.coord.connectors.delete('alpha', `alpha-${run}`);
            await env.coord.connectors.delete('beta', `beta-${run}`);
          }
        },
      ),
      // a fixed seed, so CI runs the same 40 cases every time (and the coverage checks below
      // cannot fail by chance); BBK_PROPERTY_SEED explores others
      { numRuns: 40, seed: Number(process.env.BBK_PROPERTY_SEED ?? 20261123) },
    );
    // the generators must exercise the property, not just compare empty lists
    expect(stats.nonEmpty).toBeGreaterThan(stats.queries / 10);
    expect(stats.selective).toBeGreaterThan(stats.queries / 20);
  }, 240_000);
});
