/**
 * How one route is described: a small declarative form that `document.ts` turns into an OpenAPI 3.1
 * operation. Each surface lists its routes once (`coordinator.ts`, `contributor.ts`, `consumer.ts`,
 * `common.ts`); the server's route coverage test fails when a registered route is missing here.
 */
import { errorBodySchema, REASON_PHRASES } from '../errors.js';

/** The three APIs. */
export type ApiSurface = 'coordinator' | 'contributor' | 'consumer';

/** Methods the APIs route (HEAD answers like GET without a body; OPTIONS is the CORS preflight). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A JSON Schema (2020-12) or a `$ref` to one. */
export type JsonSchema = { readonly [key: string]: unknown };

/** An OpenAPI response object. */
export interface ResponseDoc {
  description: string;
  headers?: Record<string, { description: string; required?: boolean; schema: JsonSchema }>;
  content?: Record<string, { schema: JsonSchema }>;
}

/** An OpenAPI parameter in the query or a header (path parameters come from the surface's table). */
export interface ParameterDoc {
  name: string;
  in: 'query' | 'header';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

/** One route of a surface. */
export interface RouteDoc {
  method: HttpMethod;
  /** Path as the server registers it, relative to the base path: `/entity/:eid` (`''` = the base itself). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  parameters?: ParameterDoc[];
  /** JSON request body. */
  body?: { schema: JsonSchema; description: string };
  /** Responses by status code. */
  responses: Record<string, ResponseDoc>;
  /** No token needed, even in production mode (probes, this document). */
  public?: boolean;
  /** Also registered at the root, outside the base path (probes). */
  alsoAtRoot?: boolean;
}

/** A path parameter's description and rule, shared by every route that uses the name. */
export type PathParams = Record<string, { description: string; schema: JsonSchema }>;

/** `$ref` to a component schema of the document. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A JSON answer. */
export function json(description: string, schema: JsonSchema, headers?: ResponseDoc['headers']): ResponseDoc {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

/** A JSON array answer. */
export const jsonList = (description: string, item: string): ResponseDoc =>
  json(description, { type: 'array', items: ref(item) });

/** An answer without a body. */
export function empty(description: string, headers?: ResponseDoc['headers']): ResponseDoc {
  return { description, ...(headers ? { headers } : {}) };
}

/** A bare token, sent as `text/html` without quotes (spec §1.5). */
export const tokenText = (description: string): ResponseDoc => ({
  description,
  content: {
    'text/html': { schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' } },
  },
});

/** `Location` of a created resource. */
export const LOCATION = {
  location: {
    description: 'Absolute URL of the created resource',
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
} as const;

/** `Retry-After` of a 429 or 503 answer. */
export const RETRY_AFTER = {
  'retry-after': {
    description: 'Seconds to wait before trying again',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
} as const;

/** An error answer in the standard body of that status (spec §1.7); `undefined`: of any status. */
export function error(status: number | undefined, description: string): ResponseDoc {
  const headers = status === 429 || status === 503 ? RETRY_AFTER : undefined;
  return json(description, ref(errorSchemaName(status)), headers);
}

/** Component name of the error body of a status: `Error404`, or `Error` for any. */
export const errorSchemaName = (status?: number): string => (status === undefined ? 'Error' : `Error${status}`);

/** Component schemas of every error body: `Error` (any) and one per status with a reason phrase. */
export function errorSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = { [errorSchemaName()]: errorBodySchema() };
  for (const status of Object.keys(REASON_PHRASES).map(Number)) out[errorSchemaName(status)] = errorBodySchema(status);
  return out;
}

/** A 400 answer with validation items (spec §1.8). */
export const invalid = (what: string): ResponseDoc => error(400, `Validation failed: ${what} (every violation listed)`);
