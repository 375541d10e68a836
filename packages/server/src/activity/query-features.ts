import { type BBox, expandBBox, geometryBBox } from '../geo/index.js';
import { type FieldMask, type FieldOp, maskRelation, type Query, type QueryNode } from '../query/index.js';

/** What the activity detectors read in a consumer query. */
export interface QueryFeatures {
  /** Query paths (dotted) that are, contain or lie inside a masked attribute, of any type. */
  maskedPaths: string[];
  /** Bounding boxes of `$within` polygons and of `$near` circles with a `$max`. */
  geoWindows: BBox[];
}

function opsOf(ops: readonly FieldOp[], out: BBox[]): void {
  for (const op of ops) {
    if (op.op === 'not') opsOf(op.ops, out);
    else if (op.op === 'within') out.push(geometryBBox(op.geometry));
    else if (op.op === 'near' && op.max !== null) {
      const box = expandBBox(geometryBBox(op.geometry), op.max);
      if (box) out.push(box);
    }
  }
}

/**
 * The masked paths and geographic windows of a validated query. Every field of the query counts,
 * wherever it sits (`$or`, `$not`…), and a mask counts whatever its type: a query that names a
 * hidden attribute is probing it, whichever records it asks about.
 * @example queryFeatures(q, [{ type: 'country', path: ['entity', 'currency'] }]).maskedPaths // ['entity.currency']
 */
export function queryFeatures(query: Query, masks: readonly FieldMask[]): QueryFeatures {
  const masked = new Set<string>();
  const geoWindows: BBox[] = [];
  const visit = (node: QueryNode): void => {
    if (node.kind === 'not') visit(node.item);
    else if (node.kind !== 'field') node.items.forEach(visit);
    else {
      if (masks.some((m) => maskRelation(node.path, m.path) !== 'apart')) masked.add(node.path.join('.'));
      opsOf(node.ops, geoWindows);
    }
  };
  if (query.root) visit(query.root);
  return { maskedPaths: [...masked], geoWindows };
}
