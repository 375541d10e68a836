/** The Coordinator API: entity types (spec §2.4). */

import { error, invalid, json, jsonList, type RouteDoc, ref } from '../route-doc.js';
import { created, done, noEntityType } from './params.js';

/** Entity types (spec §2.4). */
export const ENTITY_TYPE_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/entity',
    tag: 'Entity types',
    summary: 'List entity types (by slug)',
    responses: { 200: jsonList('Entity types', 'EntityTypeListItem') },
  },
  {
    method: 'GET',
    path: '/entity/:eid',
    tag: 'Entity types',
    summary: 'Read an entity type',
    responses: { 200: json('The entity type', ref('EntityTypeDetail')), 404: noEntityType },
  },
  {
    method: 'POST',
    path: '/entity/:eid',
    tag: 'Entity types',
    summary: 'Create an entity type',
    body: {
      schema: ref('EntityTypeInput'),
      description: 'Unknown top-level properties are dropped, defaults filled in (spec §1.10)',
    },
    responses: {
      201: created('Entity type'),
      400: invalid('slug, body or `schema`'),
      409: error(409, 'The entity type exists'),
    },
  },
  {
    method: 'PUT',
    path: '/entity/:eid',
    tag: 'Entity types',
    summary: 'Replace an entity type',
    body: { schema: ref('EntityTypeInput'), description: 'Replaces every property' },
    responses: { 204: done('Entity type updated'), 400: invalid('body or `schema`'), 404: noEntityType },
  },
  {
    method: 'DELETE',
    path: '/entity/:eid',
    tag: 'Entity types',
    summary: 'Delete an entity type, its connectors and their records',
    responses: { 204: done('Entity type deleted'), 404: noEntityType },
  },
];
