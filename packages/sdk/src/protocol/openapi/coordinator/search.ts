/** The Coordinator API: prefix search (spec §2.8). */
import { invalid, json, type RouteDoc, ref } from '../route-doc.js';

const searchQuery = [
  {
    name: 'q',
    in: 'query' as const,
    required: true,
    description: 'Prefix to look for, 1–16 characters, case-insensitive; errors are named `search`',
    schema: { type: 'string', minLength: 1, maxLength: 16 },
  },
];

/** Prefix search (spec §2.8). */
export const SEARCH_ROUTES: readonly RouteDoc[] = (
  [
    ['/search/user/organization', 'Organizations of all users starting with `q`'],
    ['/search/entity/tags', 'Tags of all entity types starting with `q`'],
    ['/search/policy/tags', 'Tags of all policies starting with `q`'],
  ] as const
).map(([path, summary]) => ({
  method: 'GET',
  path,
  tag: 'Search',
  summary,
  parameters: searchQuery,
  responses: {
    200: json('Distinct stored strings, original case, in no particular order', ref('SearchResult')),
    400: invalid('`q`'),
  },
}));
