/**
 * Query parameters of `GET /audit` (docs/AUDIT.md): filters `actor`, `target`, `action` (text),
 * `since`, `until` (ISO-8601), paging `after` / `before` (seq), `limit` (1–1000, default 100), `order`.
 */
import { AUDIT_QUERY_RULES, VALIDATION_REASONS, type ValidationItem } from '@bbk/sdk/protocol';
import { parseIsoDate } from './formats.js';
import { integerItems, parsePagingParam } from './number-param.js';

/** Validated `GET /audit` parameters. */
export interface AuditParams {
  filter: { actor?: string; target?: string; action?: string; since?: string; until?: string };
  page: { after?: number; before?: number; limit: number; order: 'asc' | 'desc' };
}

type Query = Record<string, unknown>;

function text(q: Query, name: 'actor' | 'target' | 'action', items: ValidationItem[]): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const { minLength, maxLength } = AUDIT_QUERY_RULES.text;
  if (typeof v !== 'string') items.push({ name, index: null, reason: 'is not of a type(s) string' });
  else if (v.length < minLength)
    items.push({ name, index: null, reason: `does not meet minimum length of ${minLength}` });
  else if (v.length > maxLength)
    items.push({ name, index: null, reason: `does not meet maximum length of ${maxLength}` });
  else return v;
  return undefined;
}

function instant(q: Query, name: 'since' | 'until', items: ValidationItem[]): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const date = typeof v === 'string' ? parseIsoDate(v) : null;
  if (date) return date.toISOString();
  items.push({ name, index: null, reason: VALIDATION_REASONS.invalidDate });
  return undefined;
}

function integer(q: Query, name: 'after' | 'before' | 'limit', items: ValidationItem[]): number | undefined {
  const raw = q[name];
  if (Array.isArray(raw)) {
    items.push({ name, index: null, reason: 'is not of a type(s) integer' });
    return undefined;
  }
  const value = parsePagingParam(raw);
  if (value === undefined) return undefined;
  const rule = name === 'limit' ? AUDIT_QUERY_RULES.limit : AUDIT_QUERY_RULES.seq;
  const found = integerItems(name, value, rule);
  items.push(...found);
  // seqs past 2^53 are past the end of any log: read as the largest one the database binds
  return found.length ? undefined : Math.min(value, Number.MAX_SAFE_INTEGER);
}

/**
 * Reads and checks the parameters; every violation is reported, in parameter order.
 * @example validateAuditParams({ limit: '0' }).items // [{ name: 'limit', index: null, reason: 'must be greater than or equal to 1' }]
 */
export function validateAuditParams(q: Query): { value: AuditParams; items: ValidationItem[] } {
  const items: ValidationItem[] = [];
  const filter: AuditParams['filter'] = {};
  const actor = text(q, 'actor', items);
  const target = text(q, 'target', items);
  const action = text(q, 'action', items);
  const since = instant(q, 'since', items);
  const until = instant(q, 'until', items);
  if (actor !== undefined) filter.actor = actor;
  if (target !== undefined) filter.target = target;
  if (action !== undefined) filter.action = action;
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  const after = integer(q, 'after', items);
  const before = integer(q, 'before', items);
  const limit = integer(q, 'limit', items) ?? AUDIT_QUERY_RULES.limit.default;
  let order: 'asc' | 'desc' = 'asc';
  if (q.order !== undefined) {
    if (q.order === 'asc' || q.order === 'desc') order = q.order;
    else
      items.push({
        name: 'order',
        index: null,
        reason: `is not one of enum values: ${AUDIT_QUERY_RULES.order.join(',')}`,
      });
  }
  const page: AuditParams['page'] = { limit, order };
  if (after !== undefined) page.after = after;
  if (before !== undefined) page.before = before;
  return { value: { filter, page }, items };
}
