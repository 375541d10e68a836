/**
 * Consumer list paging (spec §4.1): `limit` 1–250 (default 250), `offset` ≥ 0 (default 0).
 */
import { PAGING_DEFAULTS, pagingParamSchemas, type ValidationItem } from '@bbk/sdk/protocol';
import { integerItems, parsePagingParam } from './number-param.js';

/** Validated paging. */
export interface Paging {
  limit: number;
  offset: number;
}

/**
 * Reads and checks `limit` and `offset` from a query string object.
 * @example validatePaging({ limit: '0.2' }).items
 * // [{ name: 'limit', index: null, reason: 'is not of a type(s) integer' },
 * //  { name: 'limit', index: null, reason: 'must be greater than or equal to 1' }]
 */
export function validatePaging(query: { limit?: unknown; offset?: unknown }): {
  value: Paging;
  items: ValidationItem[];
} {
  const limit = parsePagingParam(query.limit) ?? PAGING_DEFAULTS.limit;
  const offset = parsePagingParam(query.offset) ?? PAGING_DEFAULTS.offset;
  const items = [
    ...integerItems('limit', limit, pagingParamSchemas.limit),
    ...integerItems('offset', offset, pagingParamSchemas.offset),
  ];
  // Any offset is valid, and one past the end is an empty page (§4.1); no catalog holds more than
  // 2^53 records, so larger offsets (`1e308`) are read as this one, which the database can bind.
  return { value: { limit, offset: Math.min(offset, Number.MAX_SAFE_INTEGER) }, items };
}
