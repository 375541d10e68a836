/** The Consumer API's routes (spec §4, bbk extensions §9), as the OpenAPI document describes them. */
import { DETECTORS } from '../activity.js';
import { FIELDS_PARAM, pagingParamSchemas, timeseriesParamSchemas } from '../schemas.js';
import {
  error,
  invalid,
  json,
  jsonList,
  type ParameterDoc,
  type PathParams,
  type ResponseDoc,
  type RouteDoc,
  ref,
} from './route-doc.js';

/** Path parameters of the Consumer API: lower-cased, not validated (unknown → `[]` or 404). */
export const CONSUMER_PATH_PARAMS: PathParams = {
  type: { description: 'Entity type slug', schema: { type: 'string' } },
  id: { description: 'Public id of a record (lower-case hex SHA-1)', schema: { type: 'string' } },
  tsid: { description: 'Timeseries id, a key of the record’s `timeseries`', schema: { type: 'string' } },
};

/** Headers every consumer call may send. */
const scopeHeaders: ParameterDoc[] = [
  {
    name: 'x-bbk-audience',
    in: 'header',
    description:
      'Development mode: the policy in force. Production mode takes it from the token and ignores this header.',
    schema: { type: 'string' },
  },
  {
    name: 'x-bbk-connectors',
    in: 'header',
    description: 'Comma-separated contribution ids of staged connectors to include (first 16; unknown ids ignored)',
    schema: { type: 'string' },
  },
];

const numberNote = 'read with `parseFloat` prefix semantics (`10abc` is 10)';
const paging: ParameterDoc[] = [
  {
    name: 'limit',
    in: 'query',
    description: `Page size, 1–250, default 250; ${numberNote}`,
    schema: pagingParamSchemas.limit,
  },
  {
    name: 'offset',
    in: 'query',
    description: `Items to skip, default 0; ${numberNote}`,
    schema: pagingParamSchemas.offset,
  },
];
/** `fields` of the record lists (bbk extension, docs/CONSUMER.md). */
const fields: ParameterDoc = {
  name: 'fields',
  in: 'query',
  description:
    `bbk extension: comma-separated dotted paths, \`entity\` or \`instance\` or under them (at most ${FIELDS_PARAM.maxPaths}, ` +
    `${FIELDS_PARAM.maxLength} characters each), e.g. \`entity.location\`. Each item then carries \`fields\`: path → ` +
    'the stored value with the policy’s masks applied, as the detail shows it without the webhook’s data; a masked or ' +
    'missing path is absent. Errors are named `fields`, `index` the path’s position.',
  schema: { type: 'string' },
};

const timeseriesQuery: ParameterDoc[] = [
  {
    name: 'start',
    in: 'query',
    description: 'ISO-8601 date or date-time, inclusive',
    schema: timeseriesParamSchemas.start,
  },
  {
    name: 'end',
    in: 'query',
    description: 'ISO-8601, exclusive; needs `start`, not with `duration`',
    schema: timeseriesParamSchemas.end,
  },
  {
    name: 'duration',
    in: 'query',
    description: `Seconds after \`start\`; not with \`end\`; ${numberNote}`,
    schema: timeseriesParamSchemas.duration,
  },
  {
    name: 'limit',
    in: 'query',
    description: `At most this many points, 1–500, default 500; ${numberNote}`,
    schema: timeseriesParamSchemas.limit,
  },
];
const query: ParameterDoc = {
  name: 'q',
  in: 'query',
  description:
    'URL-encoded JSON query (spec §4.3); missing, empty or `{}` matches nothing. Errors are named `policy.data_segment.segment_query`.',
  schema: { type: 'string' },
};

const rateLimitItem = (a: string, b: string) => `"(rate|quota)";${a}=[0-9]+;${b}=[0-9]+`;
const rateLimitList = (a: string, b: string) => `^${rateLimitItem(a, b)}(, ${rateLimitItem(a, b)})*$`;

/**
 * `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers, bbk extension, docs/USAGE.md): on every
 * answer after admission, 429s included, when the policy sets a rate or a quota; never on 401/403.
 */
const RATE_LIMIT: NonNullable<ResponseDoc['headers']> = {
  'ratelimit-policy': {
    description:
      'The limits of the policy: `"rate";q=<calls>;w=1` (per second), `"quota";q=<calls>;w=<seconds of the UTC day or month>`',
    schema: { type: 'string', pattern: rateLimitList('q', 'w') },
  },
  ratelimit: {
    description: 'What is left: `"rate";r=<calls left>;t=<seconds to reset>`, the same for `"quota"`',
    schema: { type: 'string', pattern: rateLimitList('r', 't') },
  },
};

/** An answer that may carry the RateLimit fields. */
const limited = (response: ResponseDoc): ResponseDoc => ({
  ...response,
  headers: { ...response.headers, ...RATE_LIMIT },
});

/** What every consumer call may answer besides its own result (spec §4.1, §4.7; docs/USAGE.md). */
const scope = {
  403: {
    ...error(403, 'No policy in force (missing or unknown audience), a rescinded token, or a suspended access'),
    headers: {
      'x-bbk-suspended': {
        description:
          'Only when the access is suspended (bbk extension): the detector that suspended it, or `coordinator`',
        schema: { enum: [...DETECTORS, 'coordinator'] },
      },
    },
  },
  429: limited(error(429, 'Over the rate or quota of the access (or the policy, in development mode)')),
};

/** The responses of a consumer route: the RateLimit fields on its own answers, then the scope's. */
const answers = (own: Record<string, ResponseDoc>): Record<string, ResponseDoc> => ({
  ...Object.fromEntries(Object.entries(own).map(([status, r]) => [status, limited(r)])),
  ...scope,
});

/** Every route of the Consumer API beyond those all three APIs share (`common.ts`). */
export const CONSUMER_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/catalog',
    tag: 'Catalog',
    summary: 'Query the records the policy lets you see',
    parameters: [query, ...paging, fields, ...scopeHeaders],
    responses: answers({
      200: jsonList('Matching records, in catalog order', 'CatalogItem'),
      400: invalid('`q`, `limit`, `offset` or `fields`'),
    }),
  },
  {
    method: 'GET',
    path: '/entity',
    tag: 'Catalog',
    summary: 'List the entity types with at least one visible record (by slug)',
    parameters: [...paging, ...scopeHeaders],
    responses: answers({ 200: jsonList('Entity types', 'ConsumerEntityType'), 400: invalid('`limit` or `offset`') }),
  },
  {
    method: 'GET',
    path: '/entity/:type',
    tag: 'Catalog',
    summary: 'List the visible records of an entity type (unknown type: `[]`)',
    parameters: [...paging, fields, ...scopeHeaders],
    responses: answers({
      200: jsonList('Records, in catalog order', 'CatalogItem'),
      400: invalid('`limit`, `offset` or `fields`'),
    }),
  },
  {
    method: 'GET',
    path: '/entity/:type/:id',
    tag: 'Records',
    summary: 'Read a record, merged with its webhook’s data and masked by the policy',
    parameters: scopeHeaders,
    responses: answers({
      200: json('The record', ref('EntityDetail')),
      404: error(404, 'No visible record has this type and id'),
    }),
  },
  {
    method: 'GET',
    path: '/entity/:type/:id/timeseries/:tsid',
    tag: 'Records',
    summary: 'Read a timeseries of a record from its connector’s webhook',
    description: 'No webhook or a failed call gives `[]`; the `x-bbk-webhook` header tells which (bbk extension).',
    parameters: [...timeseriesQuery, ...scopeHeaders],
    responses: answers({
      200: json(
        'The webhook’s array, passed through unchanged: expected points `{from, to?, value}`, newest first',
        {
          type: 'array',
          items: { description: 'A point, as the webhook sent it (`TimeseriesPoint` is what a webhook should send)' },
        },
        {
          'x-bbk-webhook': {
            description: '`ok`, `failed` (timeout, error, non-2xx or non-JSON reply) or `none` (no webhook)',
            required: true,
            schema: { enum: ['ok', 'failed', 'none'] },
          },
        },
      ),
      400: invalid('`start`, `end`, `duration`, `limit` or their combination (`paging`)'),
      404: error(404, 'No visible record has this type and id, or it declares no such timeseries'),
    }),
  },
];
