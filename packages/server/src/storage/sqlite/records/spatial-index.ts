import { isPoint } from '../../../geo/index.js';
import type { RecordGeometry } from '../../records-store.js';
import type { RecordStatements, SpatialInserts } from './statements.js';

/**
 * Adds one record's geometries to the spatial index: a point to `record_points` (with its place `n` in the list),
 * any other geometry to the R-tree with its map row (migration 9).
 */
export function addGeometries(q: SpatialInserts, seq: number | bigint, geometries: readonly RecordGeometry[]): void {
  for (const [n, g] of geometries.entries()) {
    const [minX, minY, maxX, maxY] = g.bbox;
    if (isPoint(g.path, g.bbox)) q.addPoint.run(seq, n, g.path, minX, minY);
    else q.addGeoMap.run(seq, q.addGeo.run(minX, maxX, minY, maxY, seq, g.path).lastInsertRowid);
  }
}

/**
 * Upkeep of the spatial index (`record_points` for points; the `record_geo` R-tree and its
 * `record_geo_map` for the rest) as records are written: a record's rows are dropped and re-added
 * only when its geometries change.
 */
export class SpatialIndex {
  constructor(private readonly q: RecordStatements) {}

  /**
   * Upserts one record with `upsert` (which returns nothing when the record is stored exactly
   * so already) and keeps its spatial index rows in step.
   */
  write(publicId: string, geo: string | null, upsert: () => { seq: number } | undefined): void {
    const old = this.q.find.get(publicId);
    const written = upsert();
    if (written === undefined || (old !== undefined && old.geo === geo)) return;
    if (old !== undefined) {
      this.q.dropGeo.run(old.seq);
      this.q.dropGeoMap.run(old.seq);
      this.q.dropPoints.run(old.seq);
    }
    if (geo !== null) this.add(written.seq, geo);
  }

  /** Adds a record's geometries (`geo` text: `RecordGeometry[]`) to the index. */
  add(seq: number, geo: string): void {
    addGeometries(this.q, seq, JSON.parse(geo) as RecordGeometry[]);
  }

  /** Adds the geometries of the planned commit's new and moved records (`commit_plan`), set-based. */
  addPlanned(): void {
    this.q.planGeo.run();
    this.q.addPlannedGeo.run();
    this.q.addPlannedGeoMap.run();
    this.q.clearGeo.run();
    this.q.addPlannedPoints.run();
  }

  /** Drops the index rows of the records in `commit_gone`, then the doomed records themselves. */
  dropGone(): void {
    this.q.dropGoneGeo.run();
    this.q.dropGoneGeoMap.run();
    this.q.dropGonePoints.run();
    this.q.dropGone.run();
    this.q.clearGone.run();
  }
}
