/**
 * Normalisation of coordinator bodies before validation (spec §1.10): unknown top-level properties
 * are dropped and defaults filled in, some when the value is falsy, some only when absent or `null`.
 * The results are typed as the valid body; they are only that once validation returned no item.
 */
import type { ConnectorInput, EntityTypeInput, JsonObject, PolicyInput, UserInput } from '@bbk/sdk/protocol';

type Raw = Record<string, unknown>;

// Any JSON body may arrive (arrays too); its properties are read as the original read `req.body.x`.
const asRaw = (body: unknown): Raw => (body !== null && typeof body === 'object' ? (body as Raw) : {});

/**
 * The original's `String(email).toLowerCase()`. Where that threw (an object with its own
 * `toString` or `valueOf`, as `{"toString": 1}`), the value stays as it is and validation reports
 * `is not of a type(s) string`.
 */
function lowerCasedEmail(email: unknown): unknown {
  if (!email) return '';
  try {
    return String(email).toLowerCase();
  } catch {
    return email;
  }
}

/** A normalised user body (`email` lower-cased; ignored on update). */
export type NormalisedUser = Required<UserInput>;

/** `POST`/`PUT /user`: falsy `name`, `email`, `organization` → `""`, `addendum` → `{}`; email stringified and lower-cased. */
export function normaliseUser(body: unknown): NormalisedUser {
  const b = asRaw(body);
  return {
    name: (b.name || '') as string,
    email: lowerCasedEmail(b.email) as string,
    organization: (b.organization || '') as string,
    addendum: (b.addendum || {}) as JsonObject,
  };
}

/** A normalised entity type body: every property present. */
export type NormalisedEntityType = Required<Omit<EntityTypeInput, 'indexes'>>;

/** `POST`/`PUT /entity/:eid`: falsy `name`, `description` → `""`, `schema`, `timeseries` → `{}`; absent or `null` `tags` → `[]`, `icon` → `""`. */
export function normaliseEntityType(body: unknown): NormalisedEntityType {
  const b = asRaw(body);
  return {
    name: (b.name || '') as string,
    description: (b.description || '') as string,
    schema: (b.schema || {}) as JsonObject,
    timeseries: (b.timeseries || {}) as NormalisedEntityType['timeseries'],
    tags: (b.tags ?? []) as string[],
    icon: (b.icon ?? '') as string,
  };
}

/** A normalised connector body: every property present (`expires`, create only, is read apart: validation/expires.ts). */
export type NormalisedConnector = Required<Omit<ConnectorInput, 'expires'>>;

/**
 * `POST`/`PUT /entity/:eid/connector/:cid`: falsy `name`, `description` → `""`, `webhook` → `null`,
 * `cache` → `0`; one trailing `/` is stripped from a string webhook. A truthy non-string webhook is
 * kept as is, so validation reports `is not of a type(s) string,null` (the original crashed).
 */
export function normaliseConnector(body: unknown): NormalisedConnector {
  const b = asRaw(body);
  const webhook = b.webhook || null;
  return {
    name: (b.name || '') as string,
    description: (b.description || '') as string,
    webhook: (typeof webhook === 'string' && webhook.endsWith('/') ? webhook.slice(0, -1) : webhook) as string | null,
    cache: (b.cache || 0) as number,
  };
}

/** A normalised policy body: every property present. */
export type NormalisedPolicy = Required<PolicyInput>;

/** `POST`/`PUT /policy/:pid`: falsy `name`, `description` → `""`, `policy` → `{}`; absent or `null` `tags` → `[]`. */
export function normalisePolicy(body: unknown): NormalisedPolicy {
  const b = asRaw(body);
  return {
    name: (b.name || '') as string,
    description: (b.description || '') as string,
    tags: (b.tags ?? []) as string[],
    policy: (b.policy || {}) as PolicyInput['policy'],
  };
}
