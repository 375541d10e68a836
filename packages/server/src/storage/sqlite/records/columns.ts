import type { PreparedRecord } from '../../records-store.js';

/**
 * One upsert call's records, column by column: what crosses to the catalog writer thread
 * (five arrays of strings clone faster than one object per record).
 */
export interface RecordColumns {
  vendorIds: string[];
  publicIds: string[];
  names: string[];
  docs: string[];
  geos: (string | null)[];
}

export function toColumns(records: readonly PreparedRecord[]): RecordColumns {
  const n = records.length;
  const c: RecordColumns = {
    vendorIds: new Array(n),
    publicIds: new Array(n),
    names: new Array(n),
    docs: new Array(n),
    geos: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    c.vendorIds[i] = r.vendorId;
    c.publicIds[i] = r.publicId;
    c.names[i] = r.name;
    c.docs[i] = r.doc;
    c.geos[i] = r.geo;
  }
  return c;
}
