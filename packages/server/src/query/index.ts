/**
 * The consumer catalog query language (spec §4.3): validate → AST → IR → SQL.
 * @example
 * const v = validateQuery(req.query.q ?? '');
 * if (!v.ok) throw ApiError.one('policy.data_segment.segment_query', v.reason);
 * const { sql, params } = renderSqlite(compileQuery(v.query, { masks }));
 */
export type { Comparison, FieldOp, Json, Query, QueryNode } from './ast.js';
export { type CompileOptions, compileQuery, QueryError } from './compile.js';
export type { FieldRef, Ir, IrLeaf, JsonType } from './ir.js';
export { INDEX_SEGMENT, jsonPath, jsonPathLiteral, sqlString } from './json-path.js';
export { jsonCompare, jsonContains, jsonEqual } from './json-value.js';
export { applyMasks, type FieldMask, maskRelation, parseFieldMask, removePath } from './masks.js';
export { MAX_IN_LENGTH } from './parse.js';
export { POSTGRES_FUNCTIONS, POSTGRES_GEO_FUNCTIONS } from './postgres-functions.js';
export { recordColumn } from './record-column.js';
export { MAX_PATTERN_LENGTH } from './regex.js';
export { requiredLiterals } from './regex-literals.js';
export { type PostgresRenderOptions, renderPostgres } from './render-postgres.js';
export { renderSqlite, type SqlFragment, type SqliteRenderOptions } from './render-sqlite.js';
export { registerSqliteFunctions } from './sqlite-functions.js';
export {
  isValidatedQuery,
  MAX_DEPTH,
  MAX_NODES,
  OPERATORS,
  QUERY_REASONS,
  type QueryReason,
  type ValidationResult,
  validateQuery,
  validateQueryValue,
} from './validate.js';
