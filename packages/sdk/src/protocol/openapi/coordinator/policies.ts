/** The Coordinator API: policies (spec §2.6). */

import { error, invalid, json, jsonList, type RouteDoc, ref } from '../route-doc.js';
import { created, done, noPolicy } from './params.js';

/** Policies (spec §2.6). */
export const POLICY_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/policy',
    tag: 'Policies',
    summary: 'List policies (by slug)',
    responses: { 200: jsonList('Policies', 'PolicyListItem') },
  },
  {
    method: 'GET',
    path: '/policy/:pid',
    tag: 'Policies',
    summary: 'Read a policy',
    responses: { 200: json('The policy as stored', ref('PolicyDetail')), 404: noPolicy },
  },
  {
    method: 'GET',
    path: '/policy/:pid/access-control',
    tag: 'Policies',
    summary: "Read a policy's access control, as submitted",
    responses: { 200: json('The stored `access_control`', ref('AccessControl')), 404: noPolicy },
  },
  {
    method: 'POST',
    path: '/policy/:pid',
    tag: 'Policies',
    summary: 'Create a policy',
    body: {
      schema: ref('PolicyInput'),
      description: 'The segment query is checked like a consumer `q`; its error comes last',
    },
    responses: { 201: created('Policy'), 400: invalid('slug or body'), 409: error(409, 'The policy exists') },
  },
  {
    method: 'PUT',
    path: '/policy/:pid',
    tag: 'Policies',
    summary: 'Replace a policy (applies at once to consumer calls)',
    body: { schema: ref('PolicyInput'), description: 'Replaces every property' },
    responses: { 204: done('Policy updated'), 400: invalid('body'), 404: noPolicy },
  },
  {
    method: 'DELETE',
    path: '/policy/:pid',
    tag: 'Policies',
    summary: 'Delete a policy, its accesses and their tokens',
    responses: { 204: done('Policy deleted'), 404: noPolicy },
  },
  {
    method: 'POST',
    path: '/policy/:pid/preview',
    tag: 'Policies',
    summary: 'Preview what a consumer of a policy would see (bbk extension); changes nothing',
    description:
      'Validated as a create (new `pid`) or an update (existing `pid`). Counts per entity type, a sample of up to 10 records with the masks applied, and, against the stored policy `pid`, the records the change would add or remove (up to 100 each; `null` when there is no stored policy). Live connectors only; webhooks are not called.',
    body: { schema: ref('PolicyInput'), description: 'A policy body, as for create or update' },
    responses: { 200: json('The preview', ref('PolicyPreview')), 400: invalid('body') },
  },
];
