import type { FieldMask } from '../query/index.js';

/** The two maskable sections of a record. */
export interface RecordSections {
  entity: Record<string, unknown>;
  instance: Record<string, unknown>;
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
 * Applies the masks of the record's type to its sections (spec §4.5, §9).
 * Masks of other types are ignored.
 * @example maskRecord('country', { entity: { capital: 'London', iso: 'GB' }, instance: {} }, [{ type: 'country', path: ['entity', 'capital'] }])
 * // { entity: { iso: 'GB' }, instance: {} }
 */
export function maskRecord(type: string, sections: RecordSections, masks: readonly FieldMask[]): RecordSections {
  let { entity, instance } = sections;
  for (const m of masks) {
    if (m.type !== type) continue;
    const [section, ...rest] = m.path;
    if (rest.length === 0) continue;
    if (section === 'entity') entity = removePath(entity, rest) as Record<string, unknown>;
    else if (section === 'instance') instance = removePath(instance, rest) as Record<string, unknown>;
  }
  return { entity, instance };
}
