/**
 * Numeric query parameters (spec §4.1): read with JavaScript `parseFloat` prefix semantics and
 * checked as integers in a range. NaN is only a type error; a number out of range also gets the
 * range error (`limit=0.2` → type and minimum).
 */
import type { ValidationItem } from '@bbk/sdk/protocol';

/**
 * Reads a paging-style value: `undefined` when absent or empty, else `parseFloat` of its text.
 * @example parsePagingParam('10abc') // 10
 * @example parsePagingParam('1$offset=1') // 1
 * @example parsePagingParam('abc') // NaN
 */
export function parsePagingParam(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return Number.parseFloat(String(raw));
}

/** The range of an integer parameter. */
export interface IntegerRule {
  minimum?: number;
  maximum?: number;
}

/** Items for one integer parameter value, named after the parameter. */
export function integerItems(name: string, value: number, rule: IntegerRule): ValidationItem[] {
  const items: ValidationItem[] = [];
  if (!Number.isInteger(value)) items.push({ name, index: null, reason: 'is not of a type(s) integer' });
  if (Number.isNaN(value)) return items;
  if (rule.minimum !== undefined && value < rule.minimum) {
    items.push({ name, index: null, reason: `must be greater than or equal to ${rule.minimum}` });
  }
  if (rule.maximum !== undefined && value > rule.maximum) {
    items.push({ name, index: null, reason: `must be less than or equal to ${rule.maximum}` });
  }
  return items;
}
