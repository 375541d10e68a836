/** The Coordinator API: the audit trail (bbk extension, docs/AUDIT.md). */

import { AUDIT_QUERY_RULES } from '../../audit.js';
import { invalid, json, jsonList, type ParameterDoc, type RouteDoc, ref } from '../route-doc.js';

const text = { type: 'string', ...AUDIT_QUERY_RULES.text } as const;
const seq = { type: 'integer', ...AUDIT_QUERY_RULES.seq } as const;
const instant = { type: 'string', description: 'ISO-8601 date or date-time' } as const;

/** Filters and paging of `GET /audit`. */
const auditQuery: ParameterDoc[] = [
  {
    name: 'actor',
    in: 'query',
    description: '`coordinator:3` exactly, or a kind (`coordinator`, `contributor`, `consumer`, `system`)',
    schema: text,
  },
  {
    name: 'target',
    in: 'query',
    description: '`policy:open` exactly, or a kind (`policy`, `user`, `connector`, `access`, `entity-type`)',
    schema: text,
  },
  { name: 'action', in: 'query', description: 'Exact action, e.g. `token.issue`', schema: text },
  { name: 'since', in: 'query', description: 'Entries at or after this instant', schema: instant },
  { name: 'until', in: 'query', description: 'Entries strictly before this instant', schema: instant },
  { name: 'after', in: 'query', description: 'Entries with a greater `seq` (paging forward)', schema: seq },
  { name: 'before', in: 'query', description: 'Entries with a smaller `seq` (paging backward)', schema: seq },
  {
    name: 'limit',
    in: 'query',
    description: 'Page size, 1–1000, default 100',
    schema: { type: 'integer', ...AUDIT_QUERY_RULES.limit },
  },
  {
    name: 'order',
    in: 'query',
    description: '`asc` (default: oldest first) or `desc` (newest first)',
    schema: { enum: AUDIT_QUERY_RULES.order, default: 'asc' },
  },
];

/** The audit trail (bbk extension, docs/AUDIT.md). */
export const AUDIT_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/audit',
    tag: 'Audit',
    summary: 'List audit entries, filtered and paged by `seq` (bbk extension)',
    description:
      'The hash-chained log of every change, token issue, reissue and rescind, session commit or rollback, and consumer activity per access per minute. Page forward with `after=<last seq>` until a page is shorter than `limit`.',
    parameters: auditQuery,
    responses: {
      200: jsonList('Entries, in `seq` order (`order`)', 'AuditEntry'),
      400: invalid('query parameters'),
    },
  },
  {
    method: 'GET',
    path: '/audit/verify',
    tag: 'Audit',
    summary: 'Verify the hash chain of the audit log (bbk extension)',
    description:
      'Walks every entry in `seq` order and compares the last with the recorded head; stops at the first broken entry. 200 either way.',
    responses: { 200: json('The verdict: intact up to `head`, or the first broken entry', ref('AuditVerdict')) },
  },
];
