// Test support: the differential test's model, shared by every engine. Random queries over a
// pool of awkward values; `evaluate` is a direct JavaScript reading of the spec §4.3 table.
import fc from 'fast-check';
import type { Json } from '../ast.js';
import { jsonCompare, jsonContains, jsonEqual } from '../json-value.js';
import type { TestRecord } from './catalog-db.js';

const POOL: Json[] = [
  5,
  '5',
  1,
  0,
  5.5,
  10,
  -2,
  true,
  false,
  null,
  'apple',
  'B',
  '',
  [],
  [1],
  [1, 2, 3],
  ['a'],
  [null],
  {},
  { a: 1 },
  { a: 1, b: { c: 2 } },
];
export const records: TestRecord[] = POOL.map((v, i) => ({
  id: `r${i}`,
  name: typeof v === 'string' ? v : `r${i}`,
  entity: { v, w: POOL[(i * 7) % POOL.length] as Json, o: { v, k: i % 3 } },
  instance: { n: i % 4 },
}));
records.push({ id: 'empty', name: 'empty', entity: {} });

export type Doc = Record<string, Json>;
export const isObj = (x: unknown): x is Record<string, Json> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function get(doc: Doc, path: string[]): { present: boolean; value: Json } {
  let cur: Json = doc;
  for (const s of path) {
    if (/^(0|[1-9][0-9]{0,8})$/.test(s)) {
      if (!Array.isArray(cur) || Number(s) >= cur.length) return { present: false, value: null };
      cur = cur[Number(s)]!;
    } else {
      if (!isObj(cur) || !Object.hasOwn(cur, s)) return { present: false, value: null };
      cur = cur[s]!;
    }
  }
  return { present: true, value: cur };
}

type F = { present: boolean; value: Json };
function eq(f: F, v: Json): boolean {
  if (!f.present) return false;
  if (Array.isArray(v)) return Array.isArray(f.value) && jsonContains(f.value, v);
  if (isObj(v)) return isObj(f.value) && jsonEqual(f.value, v);
  return f.value === v;
}
const CMP = {
  $lt: (c: number) => c < 0,
  $lte: (c: number) => c <= 0,
  $gt: (c: number) => c > 0,
  $gte: (c: number) => c >= 0,
};
function evalOps(f: F, ops: Record<string, Json>): boolean {
  return Object.entries(ops).every(([op, v]) => {
    switch (op) {
      case '$eq':
      case '$contains':
        return eq(f, v);
      case '$ne':
        return !eq(f, v);
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        if (!f.present) return false;
        if (typeof v === 'string') return typeof f.value === 'string' && CMP[op](jsonCompare(f.value, v));
        return CMP[op](jsonCompare(f.value, v));
      case '$in':
        return (v as Json[]).some((x) =>
          isObj(x) || Array.isArray(x) ? f.present && jsonEqual(f.value, x) : eq(f, x),
        );
      case '$nin':
        return (v as Json[]).length > 0 && f.present && !evalOps(f, { $in: v });
      case '$regex':
        return (
          typeof f.value === 'string' &&
          new RegExp(v as string, `s${String(ops.$options ?? '').includes('i') ? 'i' : ''}`).test(f.value)
        );
      case '$options':
        return true;
      case '$not':
        return !evalOps(f, v as Record<string, Json>);
      default:
        throw new Error(op);
    }
  });
}
export function evaluate(doc: Doc, q: Record<string, Json>): boolean {
  return Object.entries(q).every(([k, v]) => {
    if (k === '$and') return (v as Doc[]).every((x) => evaluate(doc, x));
    if (k === '$or') return (v as Doc[]).some((x) => evaluate(doc, x));
    if (k === '$nor') return !(v as Doc[]).some((x) => evaluate(doc, x));
    if (k === '$not') return !evaluate(doc, v as Doc);
    const f = get(doc, k.split('.'));
    if (isObj(v) && Object.keys(v).some((x) => x.startsWith('$'))) return evalOps(f, v);
    return v === null ? !f.present || f.value === null : eq(f, v);
  });
}

const value = fc.constantFrom(...POOL);
const path = fc.constantFrom(
  'entity.v',
  'entity.w',
  'entity.v.0',
  'entity.v.a',
  'entity.o',
  'entity.o.v',
  'entity.o.k',
  'name',
  'type', // read from the records column on SQLite (render-sqlite.ts, recordColumn)
  'instance.n',
  'entity.none',
);
const scalarOp = fc.oneof(
  fc.record({ $eq: value }),
  fc.record({ $ne: value }),
  fc.record({ $contains: value }),
  fc.record({ $lt: value }),
  fc.record({ $lte: value }),
  fc.record({ $gt: value }),
  fc.record({ $gte: value }),
  fc.record({ $in: fc.array(value, { maxLength: 4 }) }),
  fc.record({ $nin: fc.array(value, { maxLength: 4 }) }),
  fc.record({ $regex: fc.constantFrom('^a', 'p', '^$', '5', '^B', 'hin'), $options: fc.constantFrom('', 'i') }),
);
const ops = fc.oneof(
  scalarOp,
  fc.record({ $gt: value, $lte: value }),
  scalarOp.map((o) => ({ $not: o })),
);
const leaf = fc.tuple(path, fc.oneof(value, ops)).map(([p, v]) => ({ [p]: v }) as Doc);
export const query: fc.Arbitrary<Doc> = fc.letrec((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
    fc.record({ $and: fc.array(tie('q'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('q'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $nor: fc.array(tie('q'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $not: tie('q') }),
  ),
})).q as fc.Arbitrary<Doc>;
