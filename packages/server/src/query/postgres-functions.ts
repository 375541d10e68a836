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
