/**
 * Compiles a JSON Schema once into a function returning spec validation items (spec §1.8).
 */
import type { ValidationItem } from '@bbk/sdk/protocol';
import type { Ajv, AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { compareKeys, declarationKey, type KeyPositions } from './order.js';
import { locate, pointerSegments } from './paths.js';
import { reasonFor } from './reasons.js';

/** Options of {@link createValidator}. */
export interface ValidatorOptions {
  /** Name prefix: none for coordinator bodies, `records` for contributor bodies, the parameter name for a URL parameter. */
  root?: string;
}

/** A compiled validator: `[]` when the value is valid. */
export type Validate = (value: unknown) => ValidationItem[];

/** A compiled validator whose items all carry a given index (e.g. a record's position). */
export type ValidateAt = (value: unknown, index?: number) => ValidationItem[];

// Wrapper errors that only repeat what their sub-errors already say.
const WRAPPERS = new Set(['if', 'propertyNames']);
// Keywords whose sub-errors are branch noise: the original reports only the keyword itself.
const SUMMARISED = new Set(['anyOf', 'oneOf', 'contains', 'not']);

let shared: Ajv | undefined;

function withoutNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const summaries = errors.filter((e) => SUMMARISED.has(e.keyword));
  return errors.filter(
    (e) =>
      !WRAPPERS.has(e.keyword) &&
      !summaries.some(
        (s) => s !== e && e.schemaPath.startsWith(`${s.schemaPath}/`) && e.instancePath.startsWith(s.instancePath),
      ),
  );
}

/**
 * Turns ajv errors into spec items, in declaration order, each violation once.
 * @internal shared by the body, parameter and entity-schema validators
 */
export function toItems(
  errors: readonly ErrorObject[],
  schema: unknown,
  value: unknown,
  root: string,
  fixedIndex?: number,
): ValidationItem[] {
  const positions: KeyPositions = new WeakMap();
  const ordered = withoutNoise(errors)
    .map((error, position) => ({ error, position, key: declarationKey(schema, error, value, positions) }))
    .sort((a, b) => compareKeys(a.key, b.key) || a.position - b.position);
  const seen = new Set<string>();
  const items: ValidationItem[] = [];
  for (const { error } of ordered) {
    const { name, index } = locate(root, value, pointerSegments(error.instancePath), fixedIndex);
    const item = { name, index, reason: reasonFor(error) };
    const id = JSON.stringify(item);
    if (seen.has(id)) continue;
    seen.add(id);
    items.push(item);
  }
  return items;
}

/**
 * Compiles `schema` with an existing ajv instance.
 * @internal used for user-supplied schemas, which get their own ajv instance
 */
export function compileWith(ajv: Ajv, schema: AnySchema, root: string): ValidateAt {
  return validatorFrom(ajv.compile(schema), schema, root);
}

/**
 * Wraps a compiled ajv function (of `schema`) so that it returns spec items.
 * @internal also used for user schemas compiled on the schema compiler thread
 */
export function validatorFrom(validate: ValidateFunction, schema: unknown, root: string): ValidateAt {
  return (value, index) => (validate(value) ? [] : toItems(validate.errors ?? [], schema, value, root, index));
}

/**
 * Compiles `schema` once (ajv, all errors, non-strict, §1.9 formats) into a validator that
 * returns spec validation items in declaration order.
 * @example
 * const validate = createValidator(connectorSchema);
 * validate({ name: '', description: 'x', webhook: 'ftp://x', cache: 0 });
 * // [{ name: 'name', index: null, reason: 'does not meet minimum length of 1' },
 * //  { name: 'webhook', index: null, reason: 'does not match pattern "^https?://.*$"' }]
 */
export function createValidator(schema: AnySchema, options: ValidatorOptions = {}): Validate {
  shared ??= createAjv();
  const validate = compileWith(shared, schema, options.root ?? '');
  return (value) => validate(value);
}
