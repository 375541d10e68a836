/**
 * SQL functions that queries rendered by `renderPostgres` call, the PostgreSQL twins of
 * `registerSqliteFunctions`: `bbk_json_without(doc, paths)` removes masked sub-paths (through
 * arrays, as `removePath` does) and `bbk_json_compare(a, b)` is `jsonCompare` (spec §4.3's
 * cross-type order, strings by code point whatever the database collation). The engine runs
 * this text once per database, in a migration; every statement is idempotent.
 * @example await client.query(POSTGRES_FUNCTIONS)
 */
export const POSTGRES_FUNCTIONS = `
CREATE OR REPLACE FUNCTION bbk_json_remove_path(v jsonb, path text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  head text := path[1];
  rest text[] := path[2:];
  i int;
  mapped jsonb;
BEGIN
  IF cardinality(path) = 0 THEN RETURN v; END IF;
  IF jsonb_typeof(v) = 'array' THEN
    IF head ~ '^(0|[1-9][0-9]{0,8})$' THEN
      i := head::int;
      IF i >= jsonb_array_length(v) THEN RETURN v; END IF;
      IF cardinality(rest) = 0 THEN RETURN v - i; END IF;
      RETURN jsonb_set(v, ARRAY[head], bbk_json_remove_path(v -> i, rest));
    END IF;
    SELECT coalesce(jsonb_agg(bbk_json_remove_path(e, path) ORDER BY n), '[]'::jsonb)
      INTO mapped FROM jsonb_array_elements(v) WITH ORDINALITY AS t(e, n);
    RETURN mapped;
  END IF;
  IF jsonb_typeof(v) <> 'object' OR NOT (v ? head) THEN RETURN v; END IF;
  IF cardinality(rest) = 0 THEN RETURN v - head; END IF;
  RETURN jsonb_set(v, ARRAY[head], bbk_json_remove_path(v -> head, rest));
END
$fn$;

CREATE OR REPLACE FUNCTION bbk_json_without(doc jsonb, paths jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  p jsonb;
BEGIN
  FOR p IN SELECT value FROM jsonb_array_elements(paths) LOOP
    doc := bbk_json_remove_path(doc, ARRAY(SELECT jsonb_array_elements_text(p)));
  END LOOP;
  RETURN doc;
END
$fn$;

CREATE OR REPLACE FUNCTION bbk_json_rank(v jsonb) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE jsonb_typeof(v)
    WHEN 'null' THEN 0 WHEN 'string' THEN 1 WHEN 'number' THEN 2
    WHEN 'boolean' THEN 3 WHEN 'array' THEN 4 ELSE 5 END
$fn$;

-- object keys in jsonb's storage order: shorter first, then by code point
CREATE OR REPLACE FUNCTION bbk_json_keys(v jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(array_agg(k ORDER BY char_length(k), k COLLATE "C"), '{}') FROM jsonb_object_keys(v) AS k
$fn$;

CREATE OR REPLACE FUNCTION bbk_json_compare(a jsonb, b jsonb) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  ra int := bbk_json_rank(a);
  rb int := bbk_json_rank(b);
  c int;
  ka text[];
  kb text[];
BEGIN
  IF ra <> rb THEN RETURN sign(ra - rb); END IF;
  CASE ra
  WHEN 0 THEN RETURN 0;
  WHEN 1 THEN
    RETURN CASE WHEN (a #>> '{}') COLLATE "C" < (b #>> '{}') COLLATE "C" THEN -1
                WHEN (a #>> '{}') = (b #>> '{}') THEN 0 ELSE 1 END;
  WHEN 2 THEN
    RETURN CASE WHEN a::float8 < b::float8 THEN -1 WHEN a::float8 > b::float8 THEN 1 ELSE 0 END;
  WHEN 3 THEN
    RETURN sign(a::boolean::int - b::boolean::int);
  WHEN 4 THEN
    IF jsonb_array_length(a) <> jsonb_array_length(b) THEN
      RETURN sign(jsonb_array_length(a) - jsonb_array_length(b));
    END IF;
    FOR i IN 0 .. jsonb_array_length(a) - 1 LOOP
      c := bbk_json_compare(a -> i, b -> i);
      IF c <> 0 THEN RETURN c; END IF;
    END LOOP;
    RETURN 0;
  ELSE
    ka := bbk_json_keys(a);
    kb := bbk_json_keys(b);
    IF cardinality(ka) <> cardinality(kb) THEN RETURN sign(cardinality(ka) - cardinality(kb)); END IF;
    FOR i IN 1 .. cardinality(ka) LOOP
      IF ka[i] <> kb[i] THEN
        RETURN CASE WHEN char_length(ka[i]) <> char_length(kb[i]) THEN sign(char_length(ka[i]) - char_length(kb[i]))
                    WHEN ka[i] COLLATE "C" < kb[i] COLLATE "C" THEN -1 ELSE 1 END;
      END IF;
      c := bbk_json_compare(a -> ka[i], b -> kb[i]);
      IF c <> 0 THEN RETURN c; END IF;
    END LOOP;
    RETURN 0;
  END CASE;
END
$fn$;
`;

/**
 * The spatial functions of `$near` (PostGIS required): `bbk_geo_near(field, target, min, max)` is
 * `isNear` of `geo/predicates.ts`, the same planar-shapes-on-the-sphere distance as
 * `geometryDistance` (haversine on Turf's mean radius, nearest points of segments found in an
 * equirectangular projection), so both engines give the same answers at the bounds.
 *
 * A PL/pgSQL function with an `EXCEPTION` block starts a subtransaction, which a parallel worker
 * cannot: such functions, and those that call them, are `PARALLEL UNSAFE` (marked safe, a `$within`
 * over a catalog large enough for a parallel plan answered 500, "cannot start subtransactions during
 * a parallel operation").
 */
export const POSTGRES_GEO_FUNCTIONS = `
-- PostgreSQL raises an error where a float8 product or quotient underflows to zero (JavaScript
-- quietly gives 0): bbk_mul and bbk_div give that 0 instead (2^-1075 is half the least double)
CREATE OR REPLACE FUNCTION bbk_mul(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN a = 0 OR b = 0 OR ln(abs(a)) + ln(abs(b)) > -745.1332 THEN a * b ELSE 0 END
$fn$;

CREATE OR REPLACE FUNCTION bbk_div(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE WHEN a = 0 OR ln(abs(a)) - ln(abs(b)) > -745.1332 THEN a / b ELSE 0 END
$fn$;

-- the operations of geo/distance.ts haversine, in its order, so both engines agree to the bit
CREATE OR REPLACE FUNCTION bbk_haversine(ax float8, ay float8, bx float8, by_ float8) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  rad constant float8 := pi() / 180;
  s1 float8 := sin(bbk_div(bbk_mul(by_ - ay, rad), 2));
  s2 float8 := sin(bbk_div(bbk_mul(bx - ax, rad), 2));
  h float8 := bbk_mul(s1, s1) + bbk_mul(cos(bbk_mul(ay, rad)) * cos(bbk_mul(by_, rad)), bbk_mul(s2, s2));
BEGIN
  RETURN 2 * 6371008.8 * asin(least(1, sqrt(h)));
END
$fn$;

CREATE OR REPLACE FUNCTION bbk_point_distance(p geometry, g geometry) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  rad constant float8 := pi() / 180;
  px float8 := ST_X(p);
  py float8 := ST_Y(p);
  k float8 := cos(bbk_mul(py, rad));
  best float8 := 'Infinity';
  seg geometry;
  a geometry;
  x0 float8; y0 float8; x1 float8; y1 float8;
  ax float8; ay float8; bx float8; by_ float8; dx float8; dy float8; len2 float8; t float8;
BEGIN
  IF GeometryType(g) IN ('POINT', 'MULTIPOINT') THEN
    FOR a IN SELECT (ST_DumpPoints(g)).geom LOOP
      best := least(best, bbk_haversine(px, py, ST_X(a), ST_Y(a)));
    END LOOP;
    RETURN best;
  END IF;
  -- segmentDistance: the nearest point of the segment in an equirectangular projection centred on p
  FOR seg IN SELECT (ST_DumpSegments(g)).geom LOOP
    x0 := ST_X(ST_StartPoint(seg));
    y0 := ST_Y(ST_StartPoint(seg));
    x1 := ST_X(ST_EndPoint(seg));
    y1 := ST_Y(ST_EndPoint(seg));
    ax := bbk_mul(x0 - px, k);
    ay := y0 - py;
    bx := bbk_mul(x1 - px, k);
    by_ := y1 - py;
    dx := bx - ax;
    dy := by_ - ay;
    len2 := bbk_mul(dx, dx) + bbk_mul(dy, dy);
    t := CASE WHEN len2 = 0 THEN 0
         ELSE greatest(0, least(1, bbk_div(-(bbk_mul(ax, dx) + bbk_mul(ay, dy)), len2))) END;
    best := least(best, bbk_haversine(px, py, x0 + bbk_mul(t, x1 - x0), y0 + bbk_mul(t, y1 - y0)));
  END LOOP;
  RETURN best;
END
$fn$;

CREATE OR REPLACE FUNCTION bbk_parts_intersect(a geometry, b geometry) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE AS $fn$
BEGIN
  RETURN EXISTS (SELECT 1 FROM ST_Dump(a) AS x, ST_Dump(b) AS y WHERE ST_Intersects(x.geom, y.geom));
EXCEPTION WHEN OTHERS THEN
  RETURN FALSE;
END
$fn$;

CREATE OR REPLACE FUNCTION bbk_geo_distance(a geometry, b geometry) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE AS $fn$
DECLARE
  best float8 := 'Infinity';
  p geometry;
BEGIN
  IF GeometryType(a) = 'POINT' AND GeometryType(b) = 'POINT' THEN
    RETURN bbk_haversine(ST_X(a), ST_Y(a), ST_X(b), ST_Y(b));
  END IF;
  IF NOT (GeometryType(a) IN ('POINT', 'MULTIPOINT') AND GeometryType(b) IN ('POINT', 'MULTIPOINT'))
     AND bbk_parts_intersect(a, b) THEN
    RETURN 0;
  END IF;
  FOR p IN SELECT (ST_DumpPoints(a)).geom LOOP
    best := least(best, bbk_point_distance(p, b));
  END LOOP;
  IF NOT (GeometryType(a) IN ('POINT', 'MULTIPOINT') AND GeometryType(b) IN ('POINT', 'MULTIPOINT')) THEN
    FOR p IN SELECT (ST_DumpPoints(b)).geom LOOP
      best := least(best, bbk_point_distance(p, a));
    END LOOP;
  END IF;
  RETURN best;
END
$fn$;

CREATE OR REPLACE FUNCTION bbk_geo_near(field geometry, target geometry, min_m float8, max_m float8) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE AS $fn$
DECLARE
  d float8;
BEGIN
  IF field IS NULL OR target IS NULL OR (min_m IS NULL AND max_m IS NULL) THEN RETURN FALSE; END IF;
  d := bbk_geo_distance(field, target);
  IF min_m IS NOT NULL AND max_m IS NOT NULL THEN RETURN d >= min_m AND d <= max_m; END IF;
  IF max_m IS NOT NULL THEN RETURN d < max_m; END IF;
  RETURN d > min_m;
END
$fn$;

-- $within, as geo/predicates.ts isWithin reads it (Turf's booleanWithin against a MultiPolygon):
-- each part of the field lies in one polygon of the container, polygons by cover (their
-- boundaries may touch), points and lines by within (some of it inside, none outside)
CREATE OR REPLACE FUNCTION bbk_geo_within(g geometry, c geometry) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE AS $fn$
DECLARE
  polygons geometry[] := ARRAY(SELECT (ST_Dump(c)).geom);
  parts geometry[] := ARRAY(SELECT (ST_Dump(g)).geom);
BEGIN
  CASE GeometryType(g)
  WHEN 'POINT', 'LINESTRING' THEN
    RETURN EXISTS (SELECT 1 FROM unnest(polygons) AS d WHERE ST_Within(g, d));
  WHEN 'MULTIPOINT', 'MULTILINESTRING' THEN
    RETURN NOT EXISTS (SELECT 1 FROM unnest(parts) AS p
                       WHERE NOT EXISTS (SELECT 1 FROM unnest(polygons) AS d WHERE ST_Covers(d, p)))
       AND EXISTS (SELECT 1 FROM unnest(parts) AS p, unnest(polygons) AS d WHERE ST_Within(p, d));
  WHEN 'POLYGON', 'MULTIPOLYGON' THEN
    RETURN NOT EXISTS (SELECT 1 FROM unnest(parts) AS p
                       WHERE NOT EXISTS (SELECT 1 FROM unnest(polygons) AS d WHERE ST_Covers(d, p)));
  ELSE
    RETURN FALSE;
  END CASE;
EXCEPTION WHEN OTHERS THEN
  -- a part GEOS cannot read (a self-crossing ring) contains nothing
  RETURN FALSE;
END
$fn$;
`;
