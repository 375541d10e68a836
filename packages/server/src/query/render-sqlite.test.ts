import { describe, expect, it } from 'vitest';
import { compileQuery, type FieldMask, renderSqlite } from './index.js';

const sql = (q: unknown, masks: FieldMask[] = []) => renderSqlite(compileQuery(q, { masks }));

const AREA = "json_extract(r.doc, '$.entity.area')";
const AREA_TYPE = "json_type(r.doc, '$.entity.area')";

describe('renderSqlite: exact SQL', () => {
  it('implicit equality: plain json_extract = ? plus a type guard (index-friendly)', () => {
    // a text no array or object reads as needs no guard: numbers and booleans read as SQL numbers
    expect(sql({ 'entity.iso': 'GB' })).toEqual({
      sql: "(json_extract(r.doc, '$.entity.iso') = ?)",
      params: ['GB'],
    });
    // json_extract reads an array or an object as its JSON text: such texts keep the guard
    const ISO = "json_extract(r.doc, '$.entity.iso')";
    expect(sql({ 'entity.iso': '[1,2]' })).toEqual({
      sql: `(${ISO} = ? AND json_type(r.doc, '$.entity.iso') = 'text')`,
      params: ['[1,2]'],
    });
    expect(sql({ 'entity.iso': { $in: ['GB', '{"a":1}'] } })).toEqual({
      sql: `(${ISO} IN (?, ?) AND json_type(r.doc, '$.entity.iso') = 'text')`,
      params: ['GB', '{"a":1}'],
    });
    expect(sql({ 'entity.iso': { $in: ['GB', 'FR'] } })).toEqual({ sql: `(${ISO} IN (?, ?))`, params: ['GB', 'FR'] });
    expect(sql({ 'entity.area': 5 })).toEqual({
      sql: `(${AREA} = ? AND ${AREA_TYPE} IN ('integer', 'real'))`,
      params: [5],
    });
    expect(sql({ 'entity.landlocked': true })).toEqual({
      sql: "(json_extract(r.doc, '$.entity.landlocked') = 1 AND json_type(r.doc, '$.entity.landlocked') = 'true')",
      params: [],
    });
  });

  it('the entity type is read from its column, always text (recordColumn)', () => {
    expect(sql({ type: 'country' })).toEqual({ sql: '(r.type = ?)', params: ['country'] });
    expect(sql({ type: { $in: ['a', 'b'] } })).toEqual({ sql: '(r.type IN (?, ?))', params: ['a', 'b'] });
    expect(sql({ type: 5 }).sql).toBe("(r.type = ? AND 'text' IN ('integer', 'real'))");
    // a path below it, or another top-level field, is still read from the document
    expect(sql({ 'type.x': 'y' }).sql).toContain("json_extract(r.doc, '$.type.x')");
    expect(sql({ name: 'x' }).sql).toContain("json_extract(r.doc, '$.name')");
  });

  it('number comparison: numeric within numbers, JSON type order across types', () => {
    expect(sql({ 'entity.area': { $gt: 3 } })).toEqual({
      sql:
        `((${AREA} > ? AND ${AREA_TYPE} IN ('integer', 'real'))` +
        ` OR ((${AREA} IN (0, 1) AND ${AREA_TYPE} IN ('true', 'false', 'array', 'object'))` +
        ` OR (${AREA} >= '' AND ${AREA_TYPE} IN ('true', 'false', 'array', 'object'))))`,
      params: [3],
    });
    expect(sql({ 'entity.area': { $lte: 3 } })).toEqual({
      sql:
        `((${AREA} <= ? AND ${AREA_TYPE} IN ('integer', 'real'))` +
        ` OR ((${AREA} IS NULL AND ${AREA_TYPE} IN ('null', 'text'))` +
        ` OR (${AREA} >= '' AND ${AREA_TYPE} IN ('null', 'text'))))`,
      params: [3],
    });
  });

  it('numeric bounds on one field merge into one index range', () => {
    expect(sql({ 'entity.area': { $gte: 5, $lt: 10 } })).toEqual({
      sql: `((${AREA} >= ? AND ${AREA_TYPE} IN ('integer', 'real')) AND (${AREA} < ? AND ${AREA_TYPE} IN ('integer', 'real')))`,
      params: [5, 10],
    });
  });

  it('string comparison: text fields as text', () => {
    expect(sql({ name: { $lt: 'China' } })).toEqual({
      sql: "(json_extract(r.doc, '$.name') < ? AND json_type(r.doc, '$.name') = 'text')",
      params: ['China'],
    });
  });

  it('null forms', () => {
    expect(sql({ 'entity.x': null })).toEqual({ sql: "json_extract(r.doc, '$.entity.x') IS NULL", params: [] });
    const isNull = "(json_extract(r.doc, '$.entity.x') IS NULL AND json_type(r.doc, '$.entity.x') = 'null')";
    expect(sql({ 'entity.x': { $eq: null } })).toEqual({ sql: isNull, params: [] });
    expect(sql({ 'entity.x': { $ne: null } })).toEqual({
      sql: `NOT coalesce(${isNull}, 0)`,
      params: [],
    });
  });

  it('arrays, objects and other operands go to the registered functions', () => {
    expect(sql({ 'entity.languages': ['English', 'French'] })).toEqual({
      sql: "bbk_json_contains(r.doc -> '$.entity.languages', ?)",
      params: ['["English","French"]'],
    });
    expect(sql({ 'entity.currency': { code: 'EUR', name: 'Euro' } })).toEqual({
      sql: "bbk_json_equal(r.doc -> '$.entity.currency', ?)",
      params: ['{"code":"EUR","name":"Euro"}'],
    });
    expect(sql({ 'entity.x': { $gte: [1] } })).toEqual({
      sql: "bbk_json_compare(r.doc -> '$.entity.x', ?) >= 0",
      params: ['[1]'],
    });
  });

  it('$in with mixed strings and numbers: two typed IN lists', () => {
    expect(sql({ name: { $in: ['India', 'France', 5, 7, false, null, { a: 1 }] } })).toEqual({
      sql:
        "((json_extract(r.doc, '$.name') IN (?, ?))" +
        " OR (json_extract(r.doc, '$.name') IN (?, ?) AND json_type(r.doc, '$.name') IN ('integer', 'real'))" +
        " OR ((json_extract(r.doc, '$.name') IS NULL AND json_type(r.doc, '$.name') IN ('false', 'null'))" +
        " OR (json_extract(r.doc, '$.name') = 0 AND json_type(r.doc, '$.name') IN ('false', 'null')))" +
        " OR bbk_json_equal(r.doc -> '$.name', ?))",
      params: ['India', 'France', 5, 7, '{"a":1}'],
    });
    expect(sql({ name: { $in: [] } })).toEqual({ sql: '0', params: [] });
  });

  it('$nin: present and not in; empty matches nothing', () => {
    expect(sql({ name: { $nin: ['India'] } })).toEqual({
      sql: "(json_type(r.doc, '$.name') IS NOT NULL" + " AND NOT coalesce((json_extract(r.doc, '$.name') = ?), 0))",
      params: ['India'],
    });
    expect(sql({ name: { $nin: [] } })).toEqual({ sql: '0', params: [] });
  });

  it('$regex', () => {
    expect(sql({ name: { $regex: 'United .*', $options: 'i' } })).toEqual({
      sql: "(json_type(r.doc, '$.name') = 'text' AND bbk_regexp(?, ?, json_extract(r.doc, '$.name')))",
      params: ['United .*', 'i'],
    });
  });

  it('logical operators and constants', () => {
    expect(sql({})).toEqual({ sql: '0', params: [] });
    expect(sql({ $and: [{}] })).toEqual({ sql: '1', params: [] });
    expect(sql({ $not: {} })).toEqual({ sql: '0', params: [] });
    expect(sql({ $or: [{ a: true }, { $nor: [{ b: false }, { c: null }] }] })).toEqual({
      sql:
        "((json_extract(r.doc, '$.a') = 1 AND json_type(r.doc, '$.a') = 'true')" +
        " OR NOT coalesce(((json_extract(r.doc, '$.b') = 0 AND json_type(r.doc, '$.b') = 'false')" +
        " OR json_extract(r.doc, '$.c') IS NULL), 0))",
      params: [],
    });
    expect(sql({ a: { $not: { $not: { $eq: true } } } })).toEqual({
      sql: "(json_extract(r.doc, '$.a') = 1 AND json_type(r.doc, '$.a') = 'true')",
      params: [],
    });
  });

  it('paths: array indexes and quoted keys inside one SQL literal', () => {
    expect(sql({ 'entity.languages.0': true, 'entity.it\'s "x"': true })).toEqual({
      sql:
        "((json_extract(r.doc, '$.entity.languages[0]') = 1 AND json_type(r.doc, '$.entity.languages[0]') = 'true')" +
        " AND (json_extract(r.doc, '$.entity.\"it''s \\u0022x\\u0022\"') = 1" +
        " AND json_type(r.doc, '$.entity.\"it''s \\u0022x\\u0022\"') = 'true'))",
      params: [],
    });
  });

  it('$near: rtree prefilter on the $max circle, then the exact test; params in order', () => {
    const q = {
      'entity.location': { $near: { $geometry: { type: 'Point', coordinates: [0, 0] }, $min: 1, $max: 1000 } },
    };
    const { sql: text, params } = sql(q);
    expect(text).toBe(
      '(r.seq IN (SELECT record_seq FROM record_geo WHERE min_x <= ? AND max_x >= ? AND min_y <= ? AND max_y >= ?' +
        ' AND path = ? UNION ALL SELECT record_seq FROM record_points WHERE path = ?' +
        " AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?) AND bbk_geo_near(r.doc -> '$.entity.location', ?, ?, ?))",
    );
    const [maxX, minX, maxY, minY, path, pointPath, ...rest] = params as number[];
    const deg = (1000 / 6_371_008.8) * (180 / Math.PI);
    expect(maxX).toBeCloseTo(deg, 5);
    expect(minX).toBeCloseTo(-deg, 5);
    expect(maxY).toBeCloseTo(deg, 5);
    expect(minY).toBeCloseTo(-deg, 5);
    expect([path, pointPath]).toEqual(['entity.location', 'entity.location']);
    // the points' window: the same bounds, lower then upper
    expect(rest.slice(0, 4)).toEqual([minX, maxX, minY, maxY]);
    expect(rest.slice(4)).toEqual(['{"type":"Point","coordinates":[0,0]}', 1, 1000]);
  });

  it('$near with only $min: no prefilter', () => {
    expect(sql({ p: { $near: { $geometry: { type: 'Point', coordinates: [0, 0] }, $min: 5 } } })).toEqual({
      sql: "bbk_geo_near(r.doc -> '$.p', ?, ?, ?)",
      params: ['{"type":"Point","coordinates":[0,0]}', 5, null],
    });
  });

  it('$within: polygon bbox prefilter', () => {
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [0, 0],
        ],
      ],
    };
    expect(sql({ 'entity.location': { $within: { $geometry: polygon } } })).toEqual({
      sql:
        '(r.seq IN (SELECT record_seq FROM record_geo WHERE min_x <= ? AND max_x >= ? AND min_y <= ? AND max_y >= ?' +
        ' AND path = ? UNION ALL SELECT record_seq FROM record_points WHERE path = ?' +
        " AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?) AND bbk_geo_within(r.doc -> '$.entity.location', ?))",
      params: [2, 0, 1, 0, 'entity.location', 'entity.location', 0, 2, 0, 1, JSON.stringify(polygon)],
    });
  });

  it('alias and geo table options', () => {
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [0, 0],
        ],
      ],
    };
    const ir = compileQuery({ a: 1, p: { $within: { $geometry: polygon } } }, { masks: [{ type: 't', path: ['a'] }] });
    const { sql: text } = renderSqlite(ir, { alias: 'rec', geoTable: 'geo', pointTable: 'pts' });
    expect(text).not.toMatch(/\br\./);
    expect(text).toContain('rec.type <> ?');
    expect(text).toContain('FROM geo WHERE');
    expect(text).toContain('FROM pts WHERE');
    expect(() => renderSqlite(ir, { pointTable: 'p t' })).toThrow();
    expect(() => renderSqlite(ir, { alias: 'r; DROP TABLE x' })).toThrow();
  });
});

describe('renderSqlite: masks', () => {
  const masks: FieldMask[] = [
    { type: 'country', path: ['entity', 'currency'] },
    { type: 'city', path: ['entity', 'currency', 'code'] },
  ];

  it('leaves unrelated leaves unchanged', () => {
    expect(sql({ name: 'x' }, masks)).toEqual(sql({ name: 'x' }));
  });

  it('a leaf under a masked path is false for that type, without hiding the indexable term', () => {
    expect(sql({ 'entity.currency.code': 'EUR' }, masks)).toEqual({
      sql: '(r.type NOT IN (?, ?) AND' + " (json_extract(r.doc, '$.entity.currency.code') = ?))",
      params: ['country', 'city', 'EUR'],
    });
  });

  it('{p: null} is true on a masked path; an ancestor reads the value without the masked key', () => {
    expect(sql({ 'entity.currency': null }, masks)).toEqual({
      sql:
        'CASE WHEN r.type = ? THEN 1' +
        ` WHEN r.type = ? THEN json_extract(bbk_json_without(json(r.doc), '[["entity","currency","code"]]'), '$.entity.currency') IS NULL` +
        " ELSE json_extract(r.doc, '$.entity.currency') IS NULL END",
      params: ['country', 'city'],
    });
  });
});
