/**
 * Validation (spec §1.5, §1.8–§1.10): ajv-compiled request schemas reporting the spec's
 * validation items, coordinator body normalisation, entity type schemas, JSON bodies, and
 * paging / timeseries / path parameters.
 */

export { type AuditParams, validateAuditParams } from './audit-params.js';
export {
  type Checked,
  checkConnectorBody,
  checkEntityTypeBody,
  checkPolicyBody,
  checkUserCreate,
  checkUserUpdate,
  validateDeleteBody,
  validateUpsertBody,
} from './bodies.js';
export { createValidator, type Validate, type ValidatorOptions } from './create-validator.js';
export type { RecordEntityValidator } from './entity-schema.js';
export { type CheckedExpires, checkExpires } from './expires.js';
export { validateFields } from './fields-param.js';
export { EMAIL_FORMAT, isIsoDate, parseIsoDate, URI_FORMAT } from './formats.js';
export { type JsonBodyResult, MAX_BODY_DEPTH, parseJsonBody } from './json-body.js';
export {
  type NormalisedConnector,
  type NormalisedEntityType,
  type NormalisedPolicy,
  type NormalisedUser,
  normaliseConnector,
  normaliseEntityType,
  normalisePolicy,
  normaliseUser,
} from './normalise.js';
export { type IntegerRule, integerItems, parsePagingParam } from './number-param.js';
export { type Paging, validatePaging } from './paging.js';
export {
  type RawSessionParams,
  type SessionRouteParams,
  validateSearch,
  validateSessionParams,
  validateSlug,
} from './params.js';
export { SchemaCompiler, type SchemaCompilerOptions } from './schema-compiler.js';
export { type TimeseriesQuery, type TimeseriesWindow, validateTimeseriesParams } from './timeseries-params.js';
