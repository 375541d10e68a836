import { type FieldMask, removePath } from '../query/index.js';

/** The maskable sections of a record. */
export interface RecordSections {
  entity: Record<string, unknown>;
  instance: Record<string, unknown>;
  /** The record's timeseries declarations, keyed by tsid. */
  timeseries: Record<string, unknown>;
}

/**
 * Applies the masks of the record's type to its sections (spec §4.5, §9).
 * Masks of other types are ignored. A mask `type.timeseries.tsid` removes that
 * series' declaration (its data is withheld by the caller, see {@link seriesMasked}).
 * @example maskRecord('country', { entity: { capital: 'London', iso: 'GB' }, instance: {}, timeseries: {} }, [{ type: 'country', path: ['entity', 'capital'] }])
 * // { entity: { iso: 'GB' }, instance: {}, timeseries: {} }
 */
export function maskRecord(type: string, sections: RecordSections, masks: readonly FieldMask[]): RecordSections {
  const out = { ...sections };
  for (const m of masks) {
    if (m.type !== type) continue;
    const [section, ...rest] = m.path;
    if (rest.length === 0) continue;
    if (section === 'entity' || section === 'instance' || section === 'timeseries')
      out[section] = removePath(out[section], rest) as Record<string, unknown>;
  }
  return out;
}

/**
 * True when a mask withholds the whole timeseries `tsid` of records of `type`
 * (a mask `type.timeseries.tsid`, nothing deeper): its declaration is removed and
 * its data endpoint answers as for an undeclared series.
 * @example seriesMasked('country', 'population', [{ type: 'country', path: ['timeseries', 'population'] }]) // true
 */
export function seriesMasked(type: string, tsid: string, masks: readonly FieldMask[]): boolean {
  return masks.some((m) => m.type === type && m.path.length === 2 && m.path[0] === 'timeseries' && m.path[1] === tsid);
}
