import { type FieldMask, removePath } from '../query/index.js';

/** The two maskable sections of a record. */
export interface RecordSections {
  entity: Record<string, unknown>;
  instance: Record<string, unknown>;
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
