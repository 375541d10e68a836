/** The Coordinator API: per-access usage, violation flags and guards (bbk extension, docs/USAGE.md). */

import { DETECTORS } from '../../activity.js';
import { error, invalid, json, jsonList, type ParameterDoc, type RouteDoc, ref } from '../route-doc.js';
import { done } from './params.js';

const noAccess = error(404, 'No such user (or `:uid` is not 1–8 digits), or no such access');
const day = { type: 'string', format: 'date' } as const;

const usageQuery: ParameterDoc[] = [
  { name: 'since', in: 'query', description: 'First UTC day (`YYYY-MM-DD`), inclusive', schema: day },
  { name: 'until', in: 'query', description: 'Last UTC day (`YYYY-MM-DD`), inclusive', schema: day },
];

const violationQuery: ParameterDoc[] = [
  { name: 'user', in: 'query', description: 'Flags of this user id only', schema: { type: 'integer' } },
  { name: 'policy', in: 'query', description: 'Flags of accesses to this policy only', schema: { type: 'string' } },
  { name: 'detector', in: 'query', description: 'Flags of this detector only', schema: { enum: DETECTORS } },
];

/** Usage, violations and guards (bbk extension, docs/USAGE.md); recorded in production mode only. */
export const ACTIVITY_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/user/:uid/access/:pid/usage',
    tag: 'Usage and violations',
    summary: 'Usage figures of an access per UTC day (bbk extension)',
    description:
      'Calls, records served and calls refused with 429 by the rate or the quota; only days with calls, newest first. `totals` and `last_used` cover the days listed. Exact: what is counted in memory is written first.',
    parameters: usageQuery,
    responses: {
      200: json('Usage of the access', ref('AccessUsage')),
      400: invalid('`since` or `until` is not a day (YYYY-MM-DD)'),
      404: noAccess,
    },
  },
  {
    method: 'GET',
    path: '/user/:uid/access/:pid/guard',
    tag: 'Usage and violations',
    summary: 'Read the auto-suspend setting of an access and whether it is suspended (bbk extension)',
    responses: { 200: json('The guard', ref('AccessGuard')), 404: noAccess },
  },
  {
    method: 'PUT',
    path: '/user/:uid/access/:pid/guard',
    tag: 'Usage and violations',
    summary: 'Set auto-suspend, suspend or lift a suspension (bbk extension)',
    description:
      'A suspended access answers 403 on the Consumer API with `x-bbk-suspended: <detector>` (or `coordinator`).',
    body: { schema: ref('AccessGuardInput'), description: 'Either field may be left out' },
    responses: {
      204: done('Guard updated'),
      400: invalid('body: unknown properties or non-boolean values'),
      404: noAccess,
    },
  },
  {
    method: 'GET',
    path: '/violations',
    tag: 'Usage and violations',
    summary: 'List open violation flags, newest `last_seen` first (bbk extension)',
    parameters: violationQuery,
    responses: {
      200: jsonList('Open flags, one per access and detector', 'Violation'),
      400: invalid('`user` is not an integer, or `detector` is unknown'),
    },
  },
  {
    method: 'DELETE',
    path: '/violations/:id',
    tag: 'Usage and violations',
    summary: 'Dismiss an open violation flag (bbk extension)',
    description: 'Kept, marked dismissed; the detector may open a new flag later.',
    responses: { 204: done('Flag dismissed'), 404: error(404, 'No open flag has this id') },
  },
];
