import { describe, expect, it } from 'vitest';
import { compileQuery, type FieldMask, renderPostgres } from './index.js';

const sql = (q: unknown, masks: FieldMask[] = [], firstParam?: number) =>
  renderPostgres(compileQuery(q, { masks }), { firstParam });

const ISO = "(r.doc #> ARRAY['entity','iso']::text[])";
const ISO_TEXT = "(r.doc #>> ARRAY['entity','iso']::text[])";
const AREA = "(r.doc #> ARRAY['entity','area']::text[])";
const AREA_NUMBER = `(CASE WHEN jsonb_typeof(${AREA}) = 'number' THEN ${AREA}::float8 END)`;

describe('renderPostgres: exact SQL', () => {
  it('hashedEquality: the named string equality of an AND also tests its text’s hash, with the same parameter', () => {
    const q = compileQuery({ 'entity.iso': 'GB', 'entity.area': { $gte: 1, $lt: 9 } });
    const asked: string[][] = [];
    const hashed = renderPostgres(q, {
      hashedEquality: (items) => {
        asked.push(items.map((i) => i.kind));
        return 'entity.iso';
      },
    });
    expect(hashed).toEqual({
      sql: `((${ISO_TEXT} = $1 AND hashtext(${ISO_TEXT}) = hashtext($1)) AND ${AREA_NUMBER} >= $2::float8 AND ${AREA_NUMBER} < $3::float8)`,
      params: ['GB', 1, 9],
    });
    expect(asked).toEqual([['cmp', 'cmp', 'cmp']]);
    // only the named path's equality
    const x = renderPostgres(compileQuery({ 'entity.iso': 'GB', 'entity.x': 'y', 'entity.area': { $gte: 1 } }), {
      hashedEquality: () => 'entity.x',
    }).sql;
    expect(x).toContain(`hashtext((r.doc #>> ARRAY['entity','x']::text[])) = hashtext($2)`);
    expect(x).not.toContain(`hashtext(${ISO_TEXT})`);
    // a number, or a text that could be another JSON value's (its test holds a type guard): as without the option
    for (const iso of [7, '5']) {
      const ir = compileQuery({ 'entity.iso': iso, 'entity.area': { $gte: 1, $lt: 9 } });
      expect(renderPostgres(ir, { hashedEquality: () => 'entity.iso' })).toEqual(renderPostgres(ir));
    }
  });

  it('implicit equality: the plain text expression = $1 (index-friendly), a type guard only where the text could be another JSON value’s', () => {
    expect(sql({ 'entity.iso': 'GB' })).toEqual({ sql: `${ISO_TEXT} = $1`, params: ['GB'] });
    // `#>>` reads the number 5 as "5", true as "true", [1, 2] as "[1, 2]"
    for (const text of ['5', 'true', 'null', '[1, 2]', '{"a": 1}', '-0.5e3'])
      expect(sql({ 'entity.iso': text })).toEqual({
        sql: `(${ISO_TEXT} = $1 AND jsonb_typeof(${ISO}) = 'string')`,
        params: [text],
      });
    expect(sql({ 'entity.iso': '"5"' }).sql).toBe(`${ISO_TEXT} = $1`); // a string's text has no quotes
    expect(sql({ 'entity.iso': ' 5' }).sql).toBe(`${ISO_TEXT} = $1`); // nor white space before a number
    expect(sql({ 'entity.iso': 'nothing' }).sql).toBe(`${ISO_TEXT} = $1`); // starts as null would, is not JSON
    expect(sql({ 'entity.area': 5 })).toEqual({ sql: `${AREA_NUMBER} = $1::float8`, params: [5] });
    expect(sql({ 'entity.landlocked': true })).toEqual({
      sql: "(r.doc #> ARRAY['entity','landlocked']::text[]) = 'true'::jsonb",
      params: [],
    });
  });

  it('the entity type is read from its column, always a string (recordColumn)', () => {
    expect(sql({ type: 'country' })).toEqual({ sql: 'r.type = $1', params: ['country'] });
    expect(sql({ type: { $in: ['a', 'b'] } }).sql).toBe('r.type = ANY($1::text[])');
    expect(sql({ type: { $in: ['a', '7'] } }).sql).toBe("(r.type = ANY($1::text[]) AND 'string' = 'string')");
    expect(sql({ type: 5 }).sql).toBe("(CASE WHEN 'string' = 'number' THEN to_jsonb(r.type)::float8 END) = $1::float8");
    // a path below it, or another top-level field, is still read from the document
    expect(sql({ 'type.x': 'y' }).sql).toContain("(r.doc #>> ARRAY['type','x']::text[])");
    expect(sql({ name: 'x' }).sql).toContain("(r.doc #>> ARRAY['name']::text[])");
  });

  it('text order is by code point; numbers compare as doubles within numbers', () => {
    expect(sql({ 'entity.iso': { $lt: 'M' } })).toEqual({
      sql: `(${ISO_TEXT} COLLATE "C" < $1 AND jsonb_typeof(${ISO}) = 'string')`,
      params: ['M'],
    });
    expect(sql({ 'entity.area': { $gt: 3 } })).toEqual({
      sql: `(${AREA_NUMBER} > $1::float8 OR (jsonb_typeof(${AREA}) IN ('array', 'object') OR jsonb_typeof(${AREA}) = 'boolean'))`,
      params: [3],
    });
  });

  it('$in travels as one array parameter; placeholders start where asked', () => {
    expect(sql({ 'entity.iso': { $in: ['GB', 'FR'] } }, [], 3)).toEqual({
      sql: `${ISO_TEXT} = ANY($3::text[])`,
      params: [['GB', 'FR']],
    });
    expect(sql({ 'entity.iso': { $in: ['GB', '1'] } }).sql).toBe(
      `(${ISO_TEXT} = ANY($1::text[]) AND jsonb_typeof(${ISO}) = 'string')`,
    );
  });

  it('JSON operands travel as jsonb parameters', () => {
    expect(sql({ 'entity.tags': { $contains: ['a'] } })).toEqual({
      sql: "(jsonb_typeof((r.doc #> ARRAY['entity','tags']::text[])) = 'array' AND (r.doc #> ARRAY['entity','tags']::text[]) @> $1::jsonb)",
      params: ['["a"]'],
    });
  });

  it('$regex uses ~ on strings, with the pattern written as ARE (case folded into it)', () => {
    expect(sql({ name: { $regex: '^Ind', $options: 'i' } })).toEqual({
      sql: "(jsonb_typeof((r.doc #> ARRAY['name']::text[])) = 'string' AND (r.doc #>> ARRAY['name']::text[]) ~ $1)",
      params: ['^[\\u0049\\u0069][\\u004e\\u006e][\\u0044\\u0064]'],
    });
    // a pattern RE2 refuses (a backreference) never reaches a renderer: the query cannot be parsed
    expect(() => sql({ name: { $regex: '(a)\\1' } })).toThrow('Query cannot be parsed');
  });

  it('an index segment must meet an array, an integer-like key an object', () => {
    expect(sql({ 'entity.langs.0': 'en' }).sql).toBe(
      "(CASE WHEN jsonb_typeof(r.doc #> ARRAY['entity','langs']::text[]) = 'array' THEN (r.doc #>> ARRAY['entity','langs','0']::text[]) END) = $1",
    );
    expect(sql({ 'entity.o.-1': 1 }).sql).toContain("jsonb_typeof(r.doc #> ARRAY['entity','o']::text[]) = 'object'");
  });

  it('masks: the masked type reads its document without the sub-paths; a masked leaf is false there', () => {
    const masks: FieldMask[] = [{ type: 'country', path: ['entity', 'secret'] }];
    expect(sql({ entity: { a: 1 }, "entity.it's": 'x' }, masks)).toEqual({
      sql:
        `(CASE WHEN r.type = $1 THEN (bbk_json_without(r.doc, '[["entity","secret"]]'::jsonb) #> ARRAY['entity']::text[]) = $2::jsonb` +
        " ELSE (r.doc #> ARRAY['entity']::text[]) = $3::jsonb END" +
        " AND (r.doc #>> ARRAY['entity','it''s']::text[]) = $4)",
      params: ['country', '{"a":1}', '{"a":1}', 'x'],
    });
    expect(sql({ 'entity.secret': 1 }, masks).sql).toMatch(/^\(NOT \(r\.type = \$1\) AND /);
  });

  it('negation counts an unknown operand as false', () => {
    expect(sql({ $not: { name: 'x' } })).toEqual({
      sql: "NOT coalesce((r.doc #>> ARRAY['name']::text[]) = $1, FALSE)",
      params: ['x'],
    });
    expect(sql({})).toEqual({ sql: 'FALSE', params: [] }); // as compiled: the empty query
  });

  it('$near and $within read record_geo: the GiST box first, then the exact test', () => {
    const near = sql({
      'entity.location': { $near: { $geometry: { type: 'Point', coordinates: [1, 2] }, $max: 1000 } },
    });
    expect(near.sql).toBe(
      'r.seq IN (SELECT g.record_seq FROM record_geo g WHERE g.path = $5 AND g.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)' +
        ' AND bbk_geo_near(g.geom, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), $7::float8, $8::float8))',
    );
    expect(near.params.slice(4)).toEqual(['entity.location', '{"type":"Point","coordinates":[1,2]}', null, 1000]);
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(sql({ 'entity.location': { $within: { $geometry: { type: 'Polygon', coordinates: [ring] } } } })).toEqual({
      sql:
        'r.seq IN (SELECT g.record_seq FROM record_geo g WHERE g.path = $5 AND g.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)' +
        ' AND bbk_geo_within(g.geom, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)))',
      params: [0, 0, 1, 1, 'entity.location', JSON.stringify({ type: 'Polygon', coordinates: [ring] })],
    });
  });
});
