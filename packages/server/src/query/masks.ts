import type { FieldRef, Ir, IrLeaf } from './ir.js';
import { and, not, or } from './ir-build.js';

/** A field mask: for records of `type`, the attribute at `path` is hidden. */
export interface FieldMask {
  type: string;
  /** From the record root, e.g. `['entity', 'currency']` or `['timeseries', 'population']`. */
  path: readonly string[];
}

/** Second segments of a mask that name a section of the record rather than an entity attribute. */
const SECTIONS: ReadonlySet<string> = new Set(['entity', 'instance', 'timeseries']);

/**
 * Parses a policy `field_masks` entry (spec §4.5 and §9): `type.entity.field…`,
 * `type.instance.field…` and `type.timeseries.tsid…` name that section; the docs'
 * `type.attribute[.nested…]` names the entity section. Returns null for anything
 * else (empty segments, or a bare `type.entity` / `type.instance` / `type.timeseries`),
 * which callers ignore silently.
 * @example parseFieldMask('country.currency.name') // { type: 'country', path: ['entity', 'currency', 'name'] }
 * @example parseFieldMask('country.instance.independence') // { type: 'country', path: ['instance', 'independence'] }
 * @example parseFieldMask('country.timeseries.population') // { type: 'country', path: ['timeseries', 'population'] }
 */
export function parseFieldMask(text: string): FieldMask | null {
  if (typeof text !== 'string') return null;
  const segments = text.split('.');
  if (segments.length < 2 || segments.some((s) => s === '')) return null;
  const [type, ...rest] = segments as [string, ...string[]];
  if (SECTIONS.has(rest[0]!)) return rest.length > 1 ? { type, path: rest } : null;
  return { type, path: ['entity', ...rest] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const INDEX = /^(0|[1-9][0-9]{0,8})$/;

/**
 * A copy of `value` without the attribute at `path`. Copy-on-write: untouched
 * branches are shared, nothing is mutated (webhook replies may be cached).
 * Objects lose the key (a numeric segment also removes an object key of that
 * name); arrays lose the element at a numeric segment, like SQLite's
 * json_remove; a non-numeric segment on an array applies to every element, so
 * `country.entity.languages.name` hides the name inside each language object.
 */
export function removePath(value: unknown, path: readonly string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(value)) {
    if (INDEX.test(head)) {
      const i = Number(head);
      if (i >= value.length) return value;
      if (rest.length === 0) return value.filter((_, j) => j !== i);
      const next = removePath(value[i], rest);
      if (next === value[i]) return value;
      const copy = value.slice();
      copy[i] = next;
      return copy;
    }
    let changed = false;
    const mapped = value.map((el) => {
      const next = removePath(el, path);
      if (next !== el) changed = true;
      return next;
    });
    return changed ? mapped : value;
  }
  if (!isObject(value) || !Object.hasOwn(value, head)) return value;
  if (rest.length === 0) {
    const { [head]: _removed, ...others } = value;
    return others;
  }
  const next = removePath(value[head], rest);
  return next === value[head] ? value : { ...value, [head]: next };
}

/**
 * How a query path relates to a mask path, reading numeric query segments that the mask
 * does not name as array indexes it passes through (a mask `entity.offices.phone` hides
 * the phone of every office, so it hides `entity.offices.0.phone` too):
 * `under` — the path is the masked attribute or inside it; `above` — the path contains
 * the masked attribute; `apart` — neither.
 */
export function maskRelation(path: readonly string[], mask: readonly string[]): 'under' | 'above' | 'apart' {
  let i = 0;
  let j = 0;
  for (;;) {
    if (j === mask.length) return 'under';
    if (i === path.length) return 'above';
    if (path[i] === mask[j]) {
      i++;
      j++;
    } else if (INDEX.test(path[i]!) && !INDEX.test(mask[j]!)) i++;
    else return 'apart';
  }
}

/**
 * Rewrites every leaf that touches a masked path so that, for records of the
 * mask's type, it behaves as if the attribute were absent: a leaf on or under a
 * masked path takes its value on a missing field; a leaf above one reads the
 * value with the masked keys removed. Other leaves are left untouched.
 */
export function applyMasks(ir: Ir, masks: readonly FieldMask[]): Ir {
  switch (ir.kind) {
    case 'const':
    case 'typeIn':
      return ir;
    case 'and':
      return and(ir.items.map((x) => applyMasks(x, masks)));
    case 'or':
      return or(ir.items.map((x) => applyMasks(x, masks)));
    case 'not':
      return not(applyMasks(ir.item, masks));
    case 'typeSwitch':
      return {
        kind: 'typeSwitch',
        cases: ir.cases.map((c) => ({ types: c.types, body: applyMasks(c.body, masks) })),
        otherwise: applyMasks(ir.otherwise, masks),
      };
    default:
      return maskLeaf(ir, masks);
  }
}

function maskLeaf(leaf: IrLeaf, masks: readonly FieldMask[]): Ir {
  const path = leaf.field.path;
  const hidden = new Set<string>();
  for (const m of masks) if (maskRelation(path, m.path) === 'under') hidden.add(m.type);
  const below = new Map<string, (readonly string[])[]>();
  for (const m of masks) {
    if (hidden.has(m.type) || maskRelation(path, m.path) !== 'above') continue;
    below.set(m.type, [...(below.get(m.type) ?? []), m.path]);
  }
  if (hidden.size === 0 && below.size === 0) return leaf;

  // Only `nullish` is true on a missing field (see IrLeaf).
  const onMissing = leaf.kind === 'nullish';
  const hiddenTypes = [...hidden];
  if (below.size === 0) {
    const typeIn: Ir = { kind: 'typeIn', types: hiddenTypes };
    return onMissing ? or([typeIn, leaf]) : and([not(typeIn), leaf]);
  }
  const cases: Array<{ types: string[]; body: Ir }> = [];
  if (hiddenTypes.length > 0) cases.push({ types: hiddenTypes, body: { kind: 'const', value: onMissing } });
  // Types that hide the same sub-paths share one branch.
  const groups = new Map<string, { types: string[]; without: (readonly string[])[] }>();
  for (const [type, paths] of below) {
    const unique = [...new Map(paths.map((p) => [JSON.stringify(p), p])).entries()].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const key = JSON.stringify(unique.map(([k]) => k));
    const group = groups.get(key) ?? { types: [], without: unique.map(([, p]) => p) };
    group.types.push(type);
    groups.set(key, group);
  }
  for (const { types, without } of groups.values()) {
    const field: FieldRef = { path, without };
    cases.push({ types, body: { ...leaf, field } as IrLeaf });
  }
  return { kind: 'typeSwitch', cases, otherwise: leaf };
}
