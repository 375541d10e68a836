/**
 * Request JSON Schemas of the three APIs (spec §1.9, §2.3–§2.8, §3.2, §4.1, §4.6), each declared once.
 * The server compiles them (ajv) into validators that report spec validation items (§1.8).
 *
 * Order matters: within each schema node, keywords and `properties` are listed in the order their
 * violations must be reported (the server reports in declaration order).
 * @example import { entityTypeSchema } from '@bbk/sdk/protocol';
 */
import type {
  ConnectorInput,
  EntityTypeInput,
  PolicyInput,
  RecordInput,
  SessionMode,
  UserInput,
  UserUpdateInput,
} from './types.js';

// ---- Shared value rules (§1.9) ----

/** Name rule: also the rule of each tag. */
const nameSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** Link rule: a string must pass both the URI format and this (lower-case scheme) pattern. */
const linkSchema = {
  type: ['string', 'null'],
  maxLength: 1024,
  format: 'uri',
  pattern: '^https?://.*$',
} as const;

/** Shared value rules (§1.9); every request schema is built from these. */
export const valueRules = {
  /** string 3–32, lower-case letter then letters, digits and `-` */
  slug: { type: 'string', minLength: 3, maxLength: 32, pattern: '^[a-z][a-z0-9-]+$' },
  /** string 1–64 */
  name: nameSchema,
  /** string 1–2048 */
  description: { type: 'string', minLength: 1, maxLength: 2048 },
  /** string 1–256 */
  string: { type: 'string', minLength: 1, maxLength: 256 },
  /** array of at most 16 unique names */
  tags: { type: 'array', maxItems: 16, uniqueItems: true, items: nameSchema },
  /** string 0–256 */
  icon: { type: 'string', maxLength: 256 },
  /** `null` or an http(s) URI of at most 1024 characters */
  link: linkSchema,
  /** string 1–256 in email format (host with at least one dot, or `[IPv4]`) */
  email: { type: 'string', minLength: 1, maxLength: 256, format: 'email' },
  /** ISO-8601 duration such as `P1Y`, `PT1H`, `P1DT` */
  duration: {
    type: 'string',
    pattern:
      '^P(?=\\d|T\\d)(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)([DW]))?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?$',
  },
  /** exactly 40 lower-case alphanumerics (contribution ids) */
  id40: { type: 'string', minLength: 40, maxLength: 40, pattern: '^[a-z0-9]+$' },
  /** exactly 36 characters, lower-case alphanumerics and `-` (session ids) */
  guid: { type: 'string', minLength: 36, maxLength: 36, pattern: '^[a-z0-9][a-z0-9-]+$' },
  /** 1–8 decimal digits (user ids in paths) */
  uid: { type: 'string', pattern: '^[0-9]{1,8}$' },
  /** ISO-8601 date or date-time; the server also checks that it is a real date (`1970-13-01` fails) */
  isoDate: {
    type: 'string',
    pattern: '^\\d{4}(-\\d\\d(-\\d\\d(T\\d\\d:\\d\\d(:\\d\\d)?(\\.\\d+)?(([+-]\\d\\d:\\d\\d)|Z)?)?)?)?$',
  },
} as const;

/** The custom validation reasons (the original's `en.json`, §1.8). */
export const VALIDATION_REASONS = {
  invalidSchema: 'is not valid JSON schema',
  invalidDate: 'is not valid ISO-8601 date format',
  webhookRequired: 'You must supply a webhook when entity types contain timeseries',
  queryNotJson: 'Query is not valid json',
  queryUnrecognised: 'Query contains unrecognised operations',
  queryUnparsable: 'Query cannot be parsed',
  endWithoutStart: 'You cannot specify an end without a start',
  durationWithoutStart: 'You cannot specify a duration without a start',
  endAndDuration: 'You cannot specify both an end and a duration',
  endNotAfterStart: 'You cannot specify an end which is at or before the start',
} as const;

// ---- Coordinator bodies (§2.3–§2.6), validated after normalisation (§1.10) ----

/** `POST /user` (body type {@link UserInput}). */
export const userCreateSchema = {
  type: 'object',
  properties: {
    name: valueRules.name,
    email: valueRules.email,
    organization: valueRules.name,
    addendum: { type: 'object' },
  },
  required: ['name', 'email', 'organization'],
} as const;

/** `PUT /user/:uid` (body type {@link UserUpdateInput}); `email` is immutable and not validated. */
export const userUpdateSchema = {
  type: 'object',
  properties: {
    name: valueRules.name,
    organization: valueRules.name,
    addendum: { type: 'object' },
  },
  required: ['name', 'organization'],
} as const;

/** One declared timeseries: exactly `period`, `value`, `unit`. */
export const timeseriesDeclarationSchema = {
  type: 'object',
  properties: {
    period: valueRules.duration,
    value: valueRules.string,
    unit: valueRules.string,
  },
  required: ['period', 'value', 'unit'],
  additionalProperties: false,
} as const;

/** `POST`/`PUT /entity/:eid` (body type {@link EntityTypeInput}); `schema` is also checked as a JSON Schema. */
export const entityTypeSchema = {
  type: 'object',
  properties: {
    name: valueRules.name,
    description: valueRules.description,
    schema: { type: 'object' },
    timeseries: {
      type: 'object',
      propertyNames: valueRules.slug,
      additionalProperties: timeseriesDeclarationSchema,
    },
    tags: valueRules.tags,
    icon: valueRules.icon,
  },
  required: ['name', 'description'],
} as const;

/** `POST`/`PUT /entity/:eid/connector/:cid` (body type {@link ConnectorInput}). */
export const connectorSchema = {
  type: 'object',
  properties: {
    name: valueRules.name,
    description: valueRules.description,
    webhook: valueRules.link,
    cache: { type: 'integer', minimum: 0, maximum: 31536000 },
  },
  required: ['name', 'description'],
} as const;

// ---- Token lifetimes (bbk extension, docs/DECISIONS.md) ----

/** A token lifetime as a duration: a whole number of seconds, minutes, hours, days or weeks (`90d`, `12h`, `2w`). */
export const TOKEN_DURATION_PATTERN = '^[0-9]{1,9}[smhdw]$';

/**
 * `expires`: when a token issued by this call stops working; a duration ({@link TOKEN_DURATION_PATTERN}) from now,
 * or an ISO-8601 time (§1.9 iso-date; give `Z` or an offset, a zone-less time is the server's local time) in the
 * future. `null` or absent: the token never expires. The server also checks the time is real and ahead.
 */
export const tokenExpiresSchema = {
  type: ['string', 'null'],
  maxLength: 64,
  anyOf: [
    { title: 'duration', pattern: TOKEN_DURATION_PATTERN },
    { title: 'ISO-8601 time', pattern: valueRules.isoDate.pattern },
  ],
} as const;

/**
 * Optional body of the calls that issue a consumer or contributor token: access create and reissue
 * (`POST`/`PUT /user/:uid/access/:pid`) and connector token reissue (`PUT /entity/:eid/connector/:cid/token`);
 * connector create takes `expires` beside the connector fields. Other properties are ignored.
 */
export const tokenLifetimeSchema = {
  type: 'object',
  properties: { expires: tokenExpiresSchema },
} as const;

/**
 * Body of `PUT /user/:uid/access/:pid/guard` (`AccessGuardInput`, bbk extension, docs/USAGE.md): either field
 * may be left out; anything else, or a non-boolean, is 400.
 */
export const accessGuardInputSchema = {
  type: 'object',
  properties: {
    auto_suspend: { type: 'boolean', description: 'Suspend the access automatically when a detector flags it' },
    suspended: { type: 'boolean', description: '`false` lifts a suspension; `true` suspends the access now' },
  },
  additionalProperties: false,
} as const;

/** Legal context entry kinds (§2.6). */
export const LEGAL_TYPES = ['attribution', 'contact', 'license', 'note', 'source', 'terms'] as const;

/** `POST`/`PUT /policy/:pid` (body type {@link PolicyInput}); extra properties inside `policy` are allowed. */
export const policySchema = {
  type: 'object',
  properties: {
    name: valueRules.name,
    description: valueRules.description,
    tags: valueRules.tags,
    policy: {
      type: 'object',
      properties: {
        access_control: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean' },
            quota: {
              type: 'object',
              properties: {
                // at most 2^53 - 1: any integer JSON holds exactly; also refuses 1e400 (Infinity)
                max_number: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
                interval_type: { enum: ['day', 'month'] },
              },
            },
            // calls a second: at most 2^31 - 1 (PostgreSQL's integer); also refuses 1e400 (Infinity)
            rate: { type: 'integer', minimum: 0, maximum: 2147483647 },
          },
          required: ['enabled'],
        },
        data_segment: {
          type: 'object',
          properties: {
            segment_query: { type: 'object' },
            field_masks: { type: 'array', items: { type: 'string' } },
          },
          required: ['segment_query'],
        },
        legal_context: {
          type: 'array',
          minItems: 0,
          maxItems: 100,
          items: {
            type: 'object',
            properties: {
              type: { enum: LEGAL_TYPES },
              text: valueRules.string,
              link: valueRules.link,
            },
            required: ['type', 'text', 'link'],
          },
        },
      },
      required: ['access_control', 'data_segment', 'legal_context'],
    },
  },
  required: ['name', 'description', 'policy'],
} as const;

// ---- Contributor bodies (§3.2), reported under root `records` ----

/** `POST …/session/:sid/upsert` (body type {@link RecordUpsertInput}). */
export const recordUpsertSchema = {
  type: 'array',
  minItems: 0,
  maxItems: 250,
  items: {
    type: 'object',
    properties: {
      id: valueRules.string,
      name: valueRules.string,
      entity: { type: 'object' },
      instance: { type: 'object' },
    },
    required: ['id', 'name', 'entity'],
    additionalProperties: false,
  },
} as const;

/** `POST …/session/:sid/delete` (body type {@link RecordDeleteInput}): vendor ids. */
export const recordDeleteSchema = {
  type: 'array',
  minItems: 0,
  maxItems: 250,
  items: { type: 'string' },
} as const;

/** Body of an upsert action. */
export type RecordUpsertInput = RecordInput[];

/** Body of a delete action: the connector's own (vendor) ids. */
export type RecordDeleteInput = string[];

// ---- URL parameters, each reported under its own name ----

/** `:eid`, `:cid`, `:pid` of a create path, reported as `slug`. */
export const slugParamSchema = valueRules.slug;

/** `q` of `/search/*`, reported as `search` (§2.8). */
export const searchParamSchema = { type: 'string', minLength: 1, maxLength: 16 } as const;

/** Contributor session path parameters (§3.1); both ids are reported as `id`. */
export const sessionParamSchemas = {
  /** `:cid`, the contribution id (not lower-cased) */
  id: valueRules.id40,
  /** `:sid`, the session id */
  sid: valueRules.guid,
  mode: { enum: ['accrue', 'stream', 'replace'] },
  action: { enum: ['upsert', 'delete'] },
  commit: { enum: ['true', 'false'] },
} as const;

/** Session actions (§3.1). */
export type SessionAction = (typeof sessionParamSchemas.action.enum)[number];

/** Path parameters of the session routes, as the server reads them. */
export interface SessionParams {
  cid: string;
  sid?: string;
  mode?: SessionMode;
  action?: SessionAction;
  commit?: 'true' | 'false';
}

/** Consumer list paging (§4.1); values are read with `parseFloat` prefix semantics. */
export const pagingParamSchemas = {
  limit: { type: 'integer', minimum: 1, maximum: 250 },
  offset: { type: 'integer', minimum: 0 },
} as const;

/** Defaults of the consumer paging parameters. */
export const PAGING_DEFAULTS = { limit: 250, offset: 0 } as const;

/**
 * `fields` of `GET /catalog` and `GET /entity/:type` (bbk extension, docs/CONSUMER.md): comma-separated dotted
 * paths (`entity`, `instance`, or under them) whose values each list item carries, masks applied.
 */
export const FIELDS_PARAM = {
  /** At most this many paths. */
  maxPaths: 16,
  /** At most this many characters a path. */
  maxLength: 256,
  /** A path: `entity` or `instance` (the whole section), then any non-empty segments, dot-separated. */
  pattern: '^(entity|instance)(\\.[^.,]+)*$',
} as const;

/** Query parameters of the paged consumer lists. */
export interface PagingParams {
  limit?: number;
  offset?: number;
}

/** Timeseries query parameters (§4.6); `duration` and `limit` are read like paging values. */
export const timeseriesParamSchemas = {
  start: valueRules.isoDate,
  end: valueRules.isoDate,
  duration: { type: 'integer', minimum: 1 },
  limit: { type: 'integer', minimum: 1, maximum: 500 },
} as const;

/** Default of the timeseries `limit`. */
export const TIMESERIES_DEFAULTS = { limit: 500 } as const;

/** Query parameters of `GET /entity/:type/:id/timeseries/:tsid`. */
export interface TimeseriesParams {
  /** ISO-8601 date or date-time, inclusive */
  start?: string;
  /** ISO-8601, exclusive; needs `start`, not with `duration` */
  end?: string;
  /** seconds after `start`; not with `end` */
  duration?: number;
  /** 1–500, default 500 */
  limit?: number;
}

/** Which TypeScript body type each request schema describes. */
export interface RequestBodies {
  userCreate: UserInput;
  userUpdate: UserUpdateInput;
  entityType: EntityTypeInput;
  connector: ConnectorInput;
  policy: PolicyInput;
  recordUpsert: RecordUpsertInput;
  recordDelete: RecordDeleteInput;
}
