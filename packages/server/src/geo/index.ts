export { EARTH_RADIUS_M, expandBBox, geometryDistance, haversine } from './distance.js';
export { extractGeometries, type FoundShape, type GeometryEntry, isPoint } from './extract.js';
export {
  type BBox,
  type Geometry,
  geometryBBox,
  type LineString,
  type MultiLineString,
  type MultiPoint,
  type MultiPolygon,
  type Point,
  type Polygon,
  type Position,
  parseGeometry,
  vertices,
} from './geometry.js';
export { isNear, isWithin } from './predicates.js';
