/**
 * Request bodies (spec §1.10, §2.3–§2.6, §3.2): normalise (coordinator), then validate against the
 * schemas of `@bbk/sdk/protocol`. Validators are compiled once, on first use.
 */
import {
  connectorSchema,
  entityTypeSchema,
  policySchema,
  recordDeleteSchema,
  recordUpsertSchema,
  userCreateSchema,
  userUpdateSchema,
  type ValidationItem,
} from '@bbk/sdk/protocol';
import { createValidator, type Validate } from './create-validator.js';
import {
  type NormalisedConnector,
  type NormalisedEntityType,
  type NormalisedPolicy,
  type NormalisedUser,
  normaliseConnector,
  normaliseEntityType,
  normalisePolicy,
  normaliseUser,
} from './normalise.js';

/** A normalised body and its validation items (`[]` when valid). */
export interface Checked<T> {
  value: T;
  items: ValidationItem[];
}

const lazy = (schema: object, root?: string): Validate => {
  let validate: Validate | undefined;
  return (value) => {
    validate ??= createValidator(schema, root === undefined ? {} : { root });
    return validate(value);
  };
};

const userCreate = lazy(userCreateSchema);
const userUpdate = lazy(userUpdateSchema);
const entityType = lazy(entityTypeSchema);
const connector = lazy(connectorSchema);
const policy = lazy(policySchema);
const upsert = lazy(recordUpsertSchema, 'records');
const remove = lazy(recordDeleteSchema, 'records');

/**
 * `POST /user`.
 * @example checkUserCreate({ email: 'Foo' }).items
 * // name: min length, email: format, organization: min length
 */
export function checkUserCreate(body: unknown): Checked<NormalisedUser> {
  const value = normaliseUser(body);
  return { value, items: userCreate(value) };
}

/** `PUT /user/:uid`: `email` is ignored (immutable). */
export function checkUserUpdate(body: unknown): Checked<Omit<NormalisedUser, 'email'>> {
  const { name, organization, addendum } = normaliseUser(body);
  const value = { name, organization, addendum };
  return { value, items: userUpdate(value) };
}

/**
 * `POST`/`PUT /entity/:eid`: schema errors. The caller appends the custom `schema` check (§2.4),
 * which comes after them and runs on the schema compiler thread (`SchemaCompiler.check`).
 */
export function checkEntityTypeBody(body: unknown): Checked<NormalisedEntityType> {
  const value = normaliseEntityType(body);
  return { value, items: entityType(value) };
}

/** `POST`/`PUT /entity/:eid/connector/:cid`; the webhook-required rule needs the entity type and is the caller's. */
export function checkConnectorBody(body: unknown): Checked<NormalisedConnector> {
  const value = normaliseConnector(body);
  return { value, items: connector(value) };
}

/**
 * `POST`/`PUT /policy/:pid`. The caller appends the `segment_query` check (§4.3), which comes last
 * and runs even when these items are not empty.
 */
export function checkPolicyBody(body: unknown): Checked<NormalisedPolicy> {
  const value = normalisePolicy(body);
  return { value, items: policy(value) };
}

/** Upsert action body (§3.2), names under `records`. Entity schemas are checked later (`SchemaCompiler.recordValidator`). */
export function validateUpsertBody(body: unknown): ValidationItem[] {
  return upsert(body);
}

/** Delete action body (§3.2), names under `records`. */
export function validateDeleteBody(body: unknown): ValidationItem[] {
  return remove(body);
}
