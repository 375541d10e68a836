/** The Coordinator API: how a consumer list runs (bbk extension, docs/OPERATIONS.md). */
import { error, invalid, json, type ParameterDoc, type RouteDoc, ref } from '../route-doc.js';

const explainQuery: ParameterDoc[] = [
  { name: 'explain', in: 'query', required: true, description: 'Must be `true`', schema: { const: 'true' } },
  { name: 'q', in: 'query', description: 'A consumer catalog query (spec §4.3)', schema: { type: 'string' } },
  {
    name: 'type',
    in: 'query',
    description: 'An entity type: the list of `GET /entity/:type` instead of, or as well as, `q`',
    schema: { type: 'string' },
  },
  {
    name: 'policy',
    in: 'query',
    description: 'A policy slug: its segment and masks apply, as for its consumers (without it: every live record)',
    schema: { type: 'string' },
  },
  { name: 'limit', in: 'query', description: 'Page size, as for consumers', schema: { type: 'integer' } },
  { name: 'offset', in: 'query', description: 'Page start, as for consumers', schema: { type: 'integer' } },
];

/** Explain (bbk extension). */
export const CATALOG_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/catalog',
    tag: 'Catalog',
    summary: 'Explain how a consumer list runs: plan, indexes, rows looked at (bbk extension); no records',
    parameters: explainQuery,
    responses: {
      200: json('The explanation', ref('CatalogExplain')),
      400: invalid('`explain`, `q`, `limit` or `offset`'),
      404: error(404, 'No such policy'),
    },
  },
];
