/**
 * Reason texts of schema violations (spec §1.8), worded as the original validator words them.
 * Needs ajv's `verbose` errors: `error.schema` is the keyword's value.
 */
import type { ErrorObject } from 'ajv';

type Sub = { $id?: unknown; id?: unknown; title?: unknown; $ref?: unknown };

function subschemaLabel(sub: unknown, i: number, bracketIds: boolean): string {
  const s = (sub !== null && typeof sub === 'object' ? sub : {}) as Sub;
  const id = s.$id ?? s.id;
  if (typeof id === 'string' && id) return bracketIds ? `<${id}>` : id;
  if (s.title) return JSON.stringify(s.title);
  if (typeof s.$ref === 'string') return `<${s.$ref}>`;
  return `[subschema ${i}]`;
}

const labels = (value: unknown, bracketIds: boolean): string =>
  Array.isArray(value) ? value.map((s, i) => subschemaLabel(s, i, bracketIds)).join(',') : '';

/** The spec reason for one ajv error. */
export function reasonFor(error: ErrorObject): string {
  const arg: unknown = error.schema;
  switch (error.keyword) {
    case 'type':
      return `is not of a type(s) ${(Array.isArray(arg) ? arg : [arg]).map(String).join(',')}`;
    case 'minLength':
    case 'minItems':
      return `does not meet minimum length of ${String(arg)}`;
    case 'maxLength':
    case 'maxItems':
      return `does not meet maximum length of ${String(arg)}`;
    case 'pattern':
      return `does not match pattern ${JSON.stringify(String(arg))}`;
    case 'format':
      return `does not conform to the ${JSON.stringify(String(arg))} format`;
    case 'enum':
      return `is not one of enum values: ${(Array.isArray(arg) ? arg : []).map(String).join(',')}`;
    case 'required':
      return `requires property ${JSON.stringify(String(error.params.missingProperty))}`;
    case 'additionalProperties':
      return `is not allowed to have the additional property ${JSON.stringify(String(error.params.additionalProperty))}`;
    case 'minimum':
      return `must be greater than or equal to ${String(arg)}`;
    case 'maximum':
      return `must be less than or equal to ${String(arg)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(arg)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(arg)}`;
    case 'uniqueItems':
      return 'contains duplicate item';
    case 'multipleOf':
      return `is not a multiple of (divisible by) ${String(arg)}`;
    case 'minProperties':
      return `does not meet minimum property length of ${String(arg)}`;
    case 'maxProperties':
      return `does not meet maximum property length of ${String(arg)}`;
    case 'const':
      return `does not exactly match expected constant: ${String(arg)}`;
    case 'anyOf':
      return `is not any of ${labels(arg, true)}`;
    case 'oneOf':
      return `is not exactly one from ${labels(arg, false)}`;
    case 'not':
      return `is of prohibited type ${String(arg)}`;
    case 'contains':
      return 'must contain an item matching given schema';
    case 'additionalItems':
      return 'is not allowed to have the additional item';
    case 'dependencies':
      return `property ${String(error.params.missingProperty)} not found, required by ${String(error.params.property)}`;
    case 'false schema':
      return 'is not allowed';
    default:
      return error.message ?? `does not match the "${error.keyword}" rule`;
  }
}
