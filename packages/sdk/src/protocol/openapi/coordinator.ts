/** The Coordinator API's routes (spec §2, bbk extensions §9), as the OpenAPI document describes them. */
import { valueRules } from '../schemas.js';
import {
  empty,
  error,
  invalid,
  json,
  jsonList,
  LOCATION,
  type PathParams,
  type RouteDoc,
  ref,
  tokenText,
} from './route-doc.js';

/** Path parameters of the Coordinator API; ids are lower-cased before use (spec §1.10). */
export const COORDINATOR_PATH_PARAMS: PathParams = {
  eid: { description: 'Entity type slug (validated as `slug` on create)', schema: valueRules.slug },
  cid: {
    description: 'Connector slug, unique across the instance (validated as `slug` on create)',
    schema: valueRules.slug,
  },
  pid: { description: 'Policy slug (validated as `slug` on create)', schema: valueRules.slug },
  uid: { description: 'User id: 1–8 decimal digits, anything else is 404', schema: valueRules.uid },
  email: { description: 'User email, matched case-insensitively', schema: { type: 'string' } },
};

const created = (what: string) => empty(`${what} created`, LOCATION);
const done = (what: string) => empty(what);
const noEntityType = error(404, 'No such entity type');
const noConnector = error(404, 'No such entity type or connector');
const noPolicy = error(404, 'No such policy');
const noUser = error(404, 'No such user (or `:uid` is not 1–8 digits)');
const searchQuery = [
  {
    name: 'q',
    in: 'query' as const,
    required: true,
    description: 'Prefix to look for, 1–16 characters, case-insensitive; errors are named `search`',
    schema: { type: 'string', minLength: 1, maxLength: 16 },
  },
];

const entityTypes: RouteDoc[] = [
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

const connectors: RouteDoc[] = [
  {
    method: 'GET',
    path: '/entity/:eid/connector',
    tag: 'Connectors',
    summary: 'List the connectors of an entity type (by slug)',
    responses: { 200: jsonList('Connectors', 'ConnectorListItem'), 404: noEntityType },
  },
  {
    method: 'GET',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Read a connector',
    responses: { 200: json('The connector', ref('ConnectorDetail')), 404: noConnector },
  },
  {
    method: 'POST',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Create a connector (staged, not live)',
    description:
      'A webhook is required when the entity type declares a timeseries. The token and webhook secret are shown once.',
    body: {
      schema: ref('ConnectorInput'),
      description: 'Unknown top-level properties are dropped, defaults filled in (spec §1.10)',
    },
    responses: {
      201: json(
        'Connector created: its contribution id, contributor token and webhook secret',
        ref('ConnectorCreated'),
        LOCATION,
      ),
      400: invalid('slug, body, or `webhook` required'),
      404: noEntityType,
      409: error(409, 'The connector slug is taken (anywhere in the instance)'),
    },
  },
  {
    method: 'PUT',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Replace a connector (keeps `is_live` and any open session)',
    body: { schema: ref('ConnectorInput'), description: 'Replaces name, description, webhook and cache' },
    responses: { 204: done('Connector updated'), 400: invalid('body, or `webhook` required'), 404: noConnector },
  },
  {
    method: 'DELETE',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Delete a connector and its records',
    responses: { 204: done('Connector deleted'), 404: noConnector },
  },
  {
    method: 'POST',
    path: '/entity/:eid/connector/:cid/live',
    tag: 'Connectors',
    summary: 'Make a connector live (idempotent)',
    responses: { 204: done('Connector is live'), 404: noConnector },
  },
  {
    method: 'DELETE',
    path: '/entity/:eid/connector/:cid/live',
    tag: 'Connectors',
    summary: 'Stage a connector again (idempotent)',
    responses: { 204: done('Connector is staged'), 404: noConnector },
  },
  {
    method: 'GET',
    path: '/entity/:eid/connector/:cid/health',
    tag: 'Connectors',
    summary: 'Webhook health figures of a connector (bbk extension)',
    description: 'Calls, failures, timeouts and latency of the webhook since the server started (docs/WEBHOOKS.md).',
    responses: { 200: json('Health figures', ref('ConnectorHealth')), 404: noConnector },
  },
];

const policies: RouteDoc[] = [
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
];

const users: RouteDoc[] = [
  {
    method: 'GET',
    path: '/user',
    tag: 'Users',
    summary: 'List users (by id)',
    responses: { 200: jsonList('Users', 'UserListItem') },
  },
  {
    method: 'GET',
    path: '/user/email/:email',
    tag: 'Users',
    summary: 'Find a user by email',
    responses: { 200: json('The user', ref('UserDetail')), 404: error(404, 'No user has this email') },
  },
  {
    method: 'GET',
    path: '/user/:uid',
    tag: 'Users',
    summary: 'Read a user',
    responses: { 200: json('The user', ref('UserDetail')), 404: noUser },
  },
  {
    method: 'POST',
    path: '/user',
    tag: 'Users',
    summary: 'Create a user',
    body: {
      schema: ref('UserCreate'),
      description: 'Email stored lower-cased; unknown properties dropped (spec §1.10)',
    },
    responses: {
      201: created('User (`Location` ends with the new id)'),
      400: invalid('body'),
      409: error(409, 'The email is taken'),
    },
  },
  {
    method: 'PUT',
    path: '/user/:uid',
    tag: 'Users',
    summary: 'Update a user (email is immutable)',
    body: { schema: ref('UserUpdate'), description: 'Replaces name, organization and addendum' },
    responses: { 204: done('User updated'), 400: invalid('body'), 404: noUser },
  },
  {
    method: 'DELETE',
    path: '/user/:uid',
    tag: 'Users',
    summary: 'Delete a user, their accesses and tokens',
    responses: {
      204: done('User deleted'),
      404: noUser,
      405: error(405, 'Production mode: a coordinator cannot delete themself'),
    },
  },
  {
    method: 'POST',
    path: '/user/:uid/coordinator',
    tag: 'Users',
    summary: 'Promote a user to coordinator',
    responses: {
      200: tokenText('The new coordinator token, shown once'),
      404: noUser,
      409: error(409, 'Already a coordinator'),
    },
  },
  {
    method: 'DELETE',
    path: '/user/:uid/coordinator',
    tag: 'Users',
    summary: 'Demote a coordinator (revokes the token)',
    responses: {
      204: done('User demoted'),
      404: noUser,
      405: error(405, 'Production mode: a coordinator cannot demote themself'),
      409: error(409, 'Not a coordinator'),
    },
  },
];

const accesses: RouteDoc[] = [
  {
    method: 'GET',
    path: '/user/:uid/access',
    tag: 'Accesses',
    summary: "List a user's accesses (creation order)",
    responses: { 200: jsonList('Accesses', 'AccessItem'), 404: noUser },
  },
  {
    method: 'GET',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Read an access',
    responses: { 200: json('The access', ref('AccessItem')), 404: error(404, 'No such user or access') },
  },
  {
    method: 'POST',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Give a user access to a policy (issues a consumer token)',
    responses: {
      201: { ...tokenText('The consumer token, shown once'), headers: LOCATION },
      404: error(404, 'No such policy or user'),
      409: error(409, 'The user already has this access'),
    },
  },
  {
    method: 'PUT',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Reissue the consumer token of an access (revokes the old one)',
    responses: { 200: tokenText('The new consumer token, shown once'), 404: error(404, 'No such user or access') },
  },
  {
    method: 'DELETE',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Remove an access (revokes its token)',
    responses: { 204: done('Access removed'), 404: error(404, 'No such user or access') },
  },
];

const search: RouteDoc[] = (
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

/** Every route of the Coordinator API beyond those all three APIs share (`common.ts`). */
export const COORDINATOR_ROUTES: readonly RouteDoc[] = [
  ...entityTypes,
  ...connectors,
  ...policies,
  ...users,
  ...accesses,
  ...search,
];
