import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

type FormatsPlugin = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS: its default export arrives as module.exports or under `.default`.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

let shared: Ajv | undefined;

/** One ajv for the whole process: lenient like the server (unknown keywords and formats pass). */
function ajv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, strict: false, logger: false, validateSchema: false });
    addFormats(shared);
  }
  return shared;
}

/** A validation problem: a dotted path (with `[i]` indexes) and what is wrong there. */
export interface Problem {
  path: string;
  message: string;
}

/** Returns the problems of a value; an empty list means valid. */
export type Check = (value: unknown) => Problem[];

/**
 * Compiles a JSON Schema into a check. A schema that cannot be compiled accepts everything,
 * as the server does for unknown types and keywords (spec §2.4); `compiled` tells which case applied.
 * @example const check = compileCheck(policySchema).check; check(body) // [{ path: 'policy.legal_context', message: … }]
 */
export function compileCheck(schema: object, root = ''): { check: Check; compiled: boolean } {
  let validate: ReturnType<Ajv['compile']>;
  try {
    validate = ajv().compile(schema);
  } catch {
    return { check: () => [], compiled: false };
  }
  return {
    compiled: true,
    check: (value) => (validate(value) ? [] : (validate.errors ?? []).map((error) => problem(error, root))),
  };
}

/**
 * Formats problems one per line.
 * @example describeProblems([{ path: 'name', message: 'must NOT have fewer than 1 characters' }]) // ['name: must NOT …']
 */
export function describeProblems(problems: readonly Problem[]): string[] {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

function problem(error: ErrorObject, root: string): Problem {
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
  let path = root;
  for (const segment of segments) path += /^\d+$/.test(segment) ? `[${segment}]` : path ? `.${segment}` : segment;
  let message = error.message ?? 'is invalid';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties')
    message = `must not have the additional property "${String(params.additionalProperty)}"`;
  if (error.keyword === 'enum') message = `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
  return { path, message };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
