/**
 * Response JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the three APIs, each declared once, next to
 * the TypeScript interface it describes (`types.ts`). The OpenAPI documents (`openapi/`) reference
 * them, and the test suite validates every response it receives against them.
 *
 * `additionalProperties: false` wherever the wire shape is exact; free-form data (entity data,
 * addenda, stored JSON Schemas, extra policy properties) stays open.
 * @example import { userDetailSchema } from '@bbk/sdk/protocol';
 */
import { DETECTORS } from './activity.js';
import { LEGAL_TYPES } from './schemas.js';

const str = { type: 'string' } as const;
/**
 * An absolute URL built per request from `Host` and `x-forwarded-scheme`/`x-forwarded-proto` as sent
 * (spec §1.2), so not checked as a URI: the server echoes whatever scheme a proxy claims.
 */
const url = { type: 'string', minLength: 1 } as const;
const isoTime = { type: 'string', format: 'date-time' } as const;
const anyObject = { type: 'object' } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const stringList = { type: 'array', items: str } as const;
/** Lower-case hex SHA-1: contribution ids and public record ids. */
const sha1 = { type: 'string', pattern: '^[0-9a-f]{40}$' } as const;

/** `{ id, url }` link to another resource ({@link ResourceLink}). */
export const resourceLinkSchema = {
  type: 'object',
  properties: { id: str, url },
  required: ['id', 'url'],
  additionalProperties: false,
} as const;

/** `GET /v1` on every service ({@link Announce}, spec §1.3). */
export const announceSchema = {
  type: 'object',
  properties: {
    now: isoTime,
    name: str,
    base: url,
    status: { enum: ['development', 'production'] },
  },
  required: ['now', 'name', 'base', 'status'],
  additionalProperties: false,
} as const;

// ---- Coordinator (§2.3–§2.8) ----

const userItemProperties = {
  id: { type: 'integer', minimum: 1 },
  url,
  name: str,
  email: str,
  organization: str,
  coordinator: { type: 'boolean' },
  accesses: { type: 'array', items: resourceLinkSchema },
} as const;
const userItemRequired = ['id', 'url', 'name', 'email', 'organization', 'coordinator', 'accesses'] as const;

/** An item of `GET /user` ({@link UserListItem}). */
export const userListItemSchema = {
  type: 'object',
  properties: userItemProperties,
  required: userItemRequired,
  additionalProperties: false,
} as const;

/** `GET /user/:uid`, `GET /user/email/:email` ({@link UserDetail}). */
export const userDetailSchema = {
  type: 'object',
  properties: { ...userItemProperties, addendum: anyObject },
  required: [...userItemRequired, 'addendum'],
  additionalProperties: false,
} as const;

/** One declared timeseries, as echoed ({@link TimeseriesDeclaration}). */
export const timeseriesDeclarationViewSchema = {
  type: 'object',
  properties: { period: str, value: str, unit: str },
  required: ['period', 'value', 'unit'],
  additionalProperties: false,
} as const;

const entityTypeItemProperties = {
  id: str,
  url,
  name: str,
  description: str,
  icon: str,
  tags: stringList,
} as const;
const entityTypeItemRequired = ['id', 'url', 'name', 'description', 'icon', 'tags'] as const;

/** An item of the coordinator's `GET /entity` ({@link EntityTypeListItem}). */
export const entityTypeListItemSchema = {
  type: 'object',
  properties: entityTypeItemProperties,
  required: entityTypeItemRequired,
  additionalProperties: false,
} as const;

/** `GET /entity/:eid` ({@link EntityTypeDetail}); `indexes` only when the type declares some. */
export const entityTypeDetailSchema = {
  type: 'object',
  properties: {
    ...entityTypeItemProperties,
    schema: anyObject,
    timeseries: { type: 'object', additionalProperties: timeseriesDeclarationViewSchema },
    indexes: stringList,
  },
  required: [...entityTypeItemRequired, 'schema', 'timeseries'],
  additionalProperties: false,
} as const;

/**
 * The token facts of access and connector views ({@link TokenFacts}, bbk extension): when the live token expires
 * and when any token of the access or connector was last accepted; `null`: never.
 */
const tokenFactProperties = { expires: nullableTime, last_used: nullableTime } as const;
const tokenFactRequired = ['expires', 'last_used'] as const;

const connectorItemProperties = { id: str, url, name: str, description: str, ...tokenFactProperties } as const;
const connectorItemRequired = ['id', 'url', 'name', 'description', ...tokenFactRequired] as const;

/** An item of `GET /entity/:eid/connector` ({@link ConnectorListItem}). */
export const connectorListItemSchema = {
  type: 'object',
  properties: connectorItemProperties,
  required: connectorItemRequired,
  additionalProperties: false,
} as const;

/** `GET /entity/:eid/connector/:cid` ({@link ConnectorDetail}). */
export const connectorDetailSchema = {
  type: 'object',
  properties: {
    ...connectorItemProperties,
    entity: resourceLinkSchema,
    contribution_id: sha1,
    webhook: { type: ['string', 'null'] },
    cache: { type: 'integer', minimum: 0 },
    is_live: { type: 'boolean' },
    in_session: { type: 'boolean' },
  },
  required: [...connectorItemRequired, 'entity', 'contribution_id', 'webhook', 'cache', 'is_live', 'in_session'],
  additionalProperties: false,
} as const;

/** Body of `POST /entity/:eid/connector/:cid` (201, {@link ConnectorCreated}): shown once. */
export const connectorCreatedSchema = {
  type: 'object',
  properties: { id: sha1, token: str, webhook_secret: str },
  required: ['id', 'token'],
  additionalProperties: false,
} as const;

/** `GET /entity/:eid/connector/:cid/health` ({@link ConnectorHealth}, bbk extension). */
export const connectorHealthSchema = {
  type: 'object',
  properties: {
    id: str,
    url,
    webhook: { type: ['string', 'null'] },
    calls: { type: 'integer', minimum: 0 },
    failures: { type: 'integer', minimum: 0 },
    timeouts: { type: 'integer', minimum: 0 },
    latency_ms_avg: { type: 'number', minimum: 0 },
    latency_ms_last: { type: ['number', 'null'], minimum: 0 },
    last_error: { type: ['string', 'null'] },
    last_call: nullableTime,
    last_success: nullableTime,
    last_failure: nullableTime,
  },
  required: [
    'id',
    'url',
    'webhook',
    'calls',
    'failures',
    'timeouts',
    'latency_ms_avg',
    'latency_ms_last',
    'last_error',
    'last_call',
    'last_success',
    'last_failure',
  ],
  additionalProperties: false,
} as const;

/** One legal notice: an entry of `legal_context`, echoed as `legal` to consumers ({@link LegalItem}). */
export const legalItemSchema = {
  type: 'object',
  properties: { type: { enum: LEGAL_TYPES }, text: str, link: { type: ['string', 'null'] } },
  required: ['type', 'text', 'link'],
  additionalProperties: false,
} as const;

/** `policy.access_control` as stored ({@link AccessControl}); also `GET /policy/:pid/access-control`. */
export const accessControlSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    quota: {
      type: 'object',
      properties: { max_number: { type: 'integer' }, interval_type: { enum: ['day', 'month'] } },
    },
    rate: { type: 'integer' },
  },
  required: ['enabled'],
} as const;

const policyItemProperties = { id: str, url, name: str, description: str, tags: stringList } as const;
const policyItemRequired = ['id', 'url', 'name', 'description', 'tags'] as const;

/** An item of `GET /policy` ({@link PolicyListItem}). */
export const policyListItemSchema = {
  type: 'object',
  properties: policyItemProperties,
  required: policyItemRequired,
  additionalProperties: false,
} as const;

/** `GET /policy/:pid` ({@link PolicyDetail}): `policy` as stored, extra properties included. */
export const policyDetailSchema = {
  type: 'object',
  properties: {
    ...policyItemProperties,
    policy: {
      type: 'object',
      properties: {
        access_control: accessControlSchema,
        data_segment: {
          type: 'object',
          properties: { segment_query: anyObject, field_masks: stringList },
          required: ['segment_query'],
        },
        legal_context: { type: 'array', items: legalItemSchema },
      },
      required: ['access_control', 'data_segment', 'legal_context'],
    },
  },
  required: [...policyItemRequired, 'policy'],
  additionalProperties: false,
} as const;

/** An item of `GET /user/:uid/access`, and `GET /user/:uid/access/:pid` ({@link AccessItem}). */
export const accessItemSchema = {
  type: 'object',
  properties: { id: str, url, policy: resourceLinkSchema, created: isoTime, ...tokenFactProperties },
  required: ['id', 'url', 'policy', 'created', ...tokenFactRequired],
  additionalProperties: false,
} as const;

/** `GET /search/*`: distinct stored strings starting with `q`. */
export const searchResultSchema = stringList;

// ---- Coordinator: audit trail (bbk extension, docs/AUDIT.md); entries: `auditEntrySchema` (audit.ts) ----

const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** `GET /audit/verify`, 200 either way ({@link AuditVerdict}): intact up to `head`, or where it broke. */
export const auditVerdictSchema = {
  oneOf: [
    {
      type: 'object',
      properties: { intact: { const: true }, entries: count, head: sha256 },
      required: ['intact', 'entries', 'head'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        intact: { const: false },
        entries: count,
        broken: {
          type: 'object',
          properties: {
            seq: count,
            reason: { enum: ['hash mismatch', 'prev link broken', 'gap in seq', 'head mismatch'] },
          },
          required: ['seq', 'reason'],
          additionalProperties: false,
        },
      },
      required: ['intact', 'entries', 'broken'],
      additionalProperties: false,
    },
  ],
} as const;

// ---- Coordinator: usage, violations, guards (bbk extension, docs/USAGE.md) ----

/** `{ id, url }` of a user ({@link UserLink}). */
const userLinkSchema = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 }, url },
  required: ['id', 'url'],
  additionalProperties: false,
} as const;

const usageTotalsProperties = { calls: count, records: count, rate_limited: count, quota_limited: count } as const;
const usageTotalsRequired = ['calls', 'records', 'rate_limited', 'quota_limited'] as const;

/** `GET /user/:uid/access/:pid/usage` ({@link AccessUsage}): UTC days newest first, their totals. */
export const accessUsageSchema = {
  type: 'object',
  properties: {
    user: userLinkSchema,
    access: resourceLinkSchema,
    totals: {
      type: 'object',
      properties: usageTotalsProperties,
      required: usageTotalsRequired,
      additionalProperties: false,
    },
    last_used: nullableTime,
    days: {
      type: 'array',
      items: {
        type: 'object',
        properties: { day: { type: 'string', format: 'date' }, ...usageTotalsProperties },
        required: ['day', ...usageTotalsRequired],
        additionalProperties: false,
      },
    },
  },
  required: ['user', 'access', 'totals', 'last_used', 'days'],
  additionalProperties: false,
} as const;

/** An open flag of `GET /violations` ({@link Violation}); `evidence` depends on the detector. */
export const violationSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1 },
    url,
    user: userLinkSchema,
    access: resourceLinkSchema,
    detector: { enum: DETECTORS },
    severity: { enum: ['low', 'medium', 'high'] },
    evidence: anyObject,
    first_seen: isoTime,
    last_seen: isoTime,
    count: { type: 'integer', minimum: 1 },
  },
  required: ['id', 'url', 'user', 'access', 'detector', 'severity', 'evidence', 'first_seen', 'last_seen', 'count'],
  additionalProperties: false,
} as const;

/** `GET /user/:uid/access/:pid/guard` ({@link AccessGuard}). */
export const accessGuardSchema = {
  type: 'object',
  properties: {
    auto_suspend: { type: 'boolean' },
    suspended: nullableTime,
    reason: { type: ['string', 'null'] },
  },
  required: ['auto_suspend', 'suspended', 'reason'],
  additionalProperties: false,
} as const;

// ---- Contributor (§3) ----

/** `GET …/session/open/:mode`: the new session id, as a JSON string. */
export const sessionIdSchema = {
  type: 'string',
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
} as const;

/** `POST …/session/:sid/:action`: each posted vendor id mapped to its public id ({@link SessionReport}). */
export const sessionReportSchema = { type: 'object', additionalProperties: sha1 } as const;

// ---- Consumer (§4.2) ----

/** An item of `GET /catalog` and `GET /entity/:type` ({@link CatalogItem}). */
export const catalogItemSchema = {
  type: 'object',
  properties: {
    id: sha1,
    url,
    type: str,
    name: str,
    legal: { type: 'array', items: legalItemSchema },
    fields: {
      type: 'object',
      description:
        'Only with `?fields=` (bbk extension): each asked path the record has and the policy shows → its value',
      additionalProperties: true,
    },
  },
  required: ['id', 'url', 'type', 'name', 'legal'],
  additionalProperties: false,
} as const;

/** A record reference of a policy preview ({@link PreviewRecordRef}). */
const previewRecordRefProperties = { id: sha1, type: str, name: str } as const;

/** What a policy change lets in or shuts out ({@link PreviewChange}). */
const previewChangeSchema = {
  type: ['object', 'null'],
  properties: {
    records: count,
    items: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        properties: previewRecordRefProperties,
        required: ['id', 'type', 'name'],
        additionalProperties: false,
      },
    },
    truncated: { type: 'boolean' },
  },
  required: ['records', 'items', 'truncated'],
  additionalProperties: false,
} as const;

/** `POST /policy/:pid/preview` (bbk extension, {@link PolicyPreview}): what a consumer of the posted policy would see. */
export const policyPreviewSchema = {
  type: 'object',
  properties: {
    records: count,
    types: {
      type: 'array',
      items: {
        type: 'object',
        properties: { type: str, records: count },
        required: ['type', 'records'],
        additionalProperties: false,
      },
    },
    sample: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        properties: {
          ...previewRecordRefProperties,
          entity: anyObject,
          instance: anyObject,
          timeseries: { type: 'object', additionalProperties: anyObject },
          legal: { type: 'array', items: legalItemSchema },
        },
        required: ['id', 'type', 'name', 'entity', 'instance', 'timeseries', 'legal'],
        additionalProperties: false,
      },
    },
    added: previewChangeSchema,
    removed: previewChangeSchema,
  },
  required: ['records', 'types', 'sample', 'added', 'removed'],
  additionalProperties: false,
} as const;

/** Coordinator `GET /catalog?explain=true` (bbk extension, docs/OPERATIONS.md): how a consumer list runs. */
export const catalogExplainSchema = {
  type: 'object',
  properties: {
    sql: { type: ['string', 'null'] },
    plan: stringList,
    indexes: stringList,
    rows_examined: count,
    rows_returned: count,
    ms: { type: 'number', minimum: 0 },
    starts_at: {
      type: ['object', 'null'],
      properties: { seq: { type: 'integer' }, skip: count },
      required: ['seq', 'skip'],
      additionalProperties: false,
    },
    automatic_indexes: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kind: str, path: str, name: str, last_used: str },
        required: ['kind', 'path', 'name', 'last_used'],
        additionalProperties: false,
      },
    },
  },
  required: ['sql', 'plan', 'indexes', 'rows_examined', 'rows_returned', 'ms', 'starts_at', 'automatic_indexes'],
  additionalProperties: false,
} as const;

/** An item of the consumer's `GET /entity` ({@link ConsumerEntityType}): no `legal`. */
export const consumerEntityTypeSchema = {
  type: 'object',
  properties: { id: str, url, name: str, description: str },
  required: ['id', 'url', 'name', 'description'],
  additionalProperties: false,
} as const;

/** `GET /entity/:type/:id` ({@link EntityDetail}); the timeseries declarations each with their `url`. */
export const entityDetailSchema = {
  type: 'object',
  properties: {
    id: sha1,
    url,
    type: str,
    name: str,
    entity: anyObject,
    instance: anyObject,
    timeseries: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { ...timeseriesDeclarationViewSchema.properties, url },
        required: ['url'],
      },
    },
    legal: { type: 'array', items: legalItemSchema },
  },
  required: ['id', 'url', 'type', 'name', 'entity', 'instance', 'timeseries', 'legal'],
  additionalProperties: false,
} as const;

/**
 * One point of a timeseries ({@link TimeseriesPoint}): what a connector's webhook should send. The
 * Consumer API passes the webhook's array through unchanged, so its answers are not held to it.
 */
export const timeseriesPointSchema = {
  type: 'object',
  properties: { from: str, to: str, value: {} },
  required: ['from', 'value'],
} as const;

// ---- Probes and errors ----

/** `GET /healthz`: the process answers. */
export const livenessSchema = {
  type: 'object',
  properties: { status: { const: 'ok' } },
  required: ['status'],
  additionalProperties: false,
} as const;

/** `GET /readyz` when ready: the database answers at the newest schema version. */
export const readinessSchema = {
  type: 'object',
  properties: {
    status: { const: 'ok' },
    checks: {
      type: 'object',
      properties: {
        database: { enum: ['ok', 'failed'] },
        schema: {
          type: 'object',
          properties: { version: { type: 'integer' }, expected: { type: 'integer' } },
          required: ['version', 'expected'],
          additionalProperties: false,
        },
      },
      required: ['database', 'schema'],
      additionalProperties: false,
    },
  },
  required: ['status', 'checks'],
  additionalProperties: false,
} as const;
