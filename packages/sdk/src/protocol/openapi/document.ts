/**
 * Builds the OpenAPI 3.1 document of one API from its route table and the JSON Schemas of
 * `@bbk/sdk/protocol` (one source: the server validates with the same schemas).
 */

import { COMMON_ROUTES } from './common.js';
import { COMPONENT_SCHEMAS } from './components.js';
import { CONSUMER_PATH_PARAMS, CONSUMER_ROUTES } from './consumer.js';
import { CONTRIBUTOR_PATH_PARAMS, CONTRIBUTOR_ROUTES } from './contributor.js';
import { COORDINATOR_PATH_PARAMS, COORDINATOR_ROUTES } from './coordinator/index.js';
import {
  type ApiSurface,
  error,
  errorSchemaName,
  type JsonSchema,
  json,
  type ParameterDoc,
  type PathParams,
  type ResponseDoc,
  type RouteDoc,
  ref,
} from './route-doc.js';

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  surface: ApiSurface;
  /** The server's base path without surrounding slashes (default `v1`; `''` = no prefix). */
  basePath?: string;
  /** `info.version` (default `1`, the wire contract's version). */
  version?: string;
}

/** An OpenAPI 3.1 document (as JSON). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  tags: { name: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

/** A path parameter of an operation. */
export interface PathParameterDoc {
  name: string;
  in: 'path';
  required: true;
  description: string;
  schema: JsonSchema;
}

/** An OpenAPI operation object, as built here. */
export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: (ParameterDoc | PathParameterDoc)[];
  requestBody?: { description: string; required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseDoc>;
  security?: Record<string, string[]>[];
}

const SURFACES: Record<ApiSurface, { title: string; routes: readonly RouteDoc[]; params: PathParams }> = {
  coordinator: { title: 'Coordinator', routes: COORDINATOR_ROUTES, params: COORDINATOR_PATH_PARAMS },
  contributor: { title: 'Contributor', routes: CONTRIBUTOR_ROUTES, params: CONTRIBUTOR_PATH_PARAMS },
  consumer: { title: 'Consumer', routes: CONSUMER_ROUTES, params: CONSUMER_PATH_PARAMS },
};

/** Every route of a surface: those all three share, then its own. */
export function routeDocs(surface: ApiSurface): readonly RouteDoc[] {
  return [...COMMON_ROUTES, ...SURFACES[surface].routes];
}

/** `/entity/:eid` → `/entity/{eid}`. */
export const openApiPath = (fastifyPath: string): string => fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The full paths a route answers at, in Fastify form: under the base path, and at the root for probes. */
export function routePaths(route: RouteDoc, basePath: string): string[] {
  const base = basePath ? `/${basePath}` : '';
  const paths = [`${base}${route.path}` || '/'];
  if (route.alsoAtRoot && base) paths.push(route.path);
  return paths;
}

const DESCRIPTION = `Wire contract: BitBroker v1 (docs/ in the bbk repository; spec/API.md).

- **Authentication**: in production mode every route but the probes and this reference needs \`x-bbk-auth-token\`, a token of this API's kind (401 missing/invalid/wrong kind, 403 rescinded). Development mode checks no token.
- **Paths** match case-insensitively; one trailing slash is optional. Anything unmatched is the standard 404.
- **Bodies**: only \`application/json\` is parsed; other or missing content types and empty bodies count as \`{}\`.
- **Errors**: every error uses the standard body \`{"error":{"code","status","message"}}\`; \`message\` lists validation items on 400.
- **ETags**: every 200 GET carries a weak ETag; a matching \`If-None-Match\` gets 304.
- **CORS** is open; \`OPTIONS\` on any path is the preflight (204, no token). Every answer carries \`x-request-id\`.
- HEAD is answered on every GET route, without a body.`;

const TOKEN_ERRORS = {
  401: json(
    'Production mode: the token is missing, malformed, unknown or of another API (`message: ""`), or past its `expires` (`message: "token expired"`, bbk extension)',
    { oneOf: [ref(errorSchemaName(401)), ref('TokenExpired')] },
  ),
  403: error(403, 'Production mode: the token was rescinded'),
};

const ETAG = {
  etag: { description: 'Weak ETag of the body', required: true, schema: { type: 'string', pattern: '^W/"' } },
};

/** The responses of a route, completed with what every route of its kind may answer. */
function responsesOf(route: RouteDoc): Record<string, ResponseDoc> {
  const out: Record<string, ResponseDoc> = {};
  const ok = route.responses[200];
  const etagged = route.method === 'GET' && ok?.content !== undefined;
  for (const [status, response] of Object.entries(route.responses))
    out[status] = status === '200' && etagged ? { ...response, headers: { ...response.headers, ...ETAG } } : response;
  if (etagged) out[304] = { description: 'Not modified: `If-None-Match` matched the ETag' };
  if (!route.public) for (const [status, response] of Object.entries(TOKEN_ERRORS)) out[status] ??= response;
  if (route.body) {
    out[400] ??= error(400, 'Validation failed, or the JSON is malformed (`syntax`)');
    out[413] ??= error(413, 'The body is over the limit (100 MB)');
    out[415] ??= error(415, 'The JSON body is in a `Content-Encoding` other than gzip, deflate or identity');
  }
  out.default = error(
    undefined,
    'Any other error, in the standard body: 400 without a Host header or with an undecodable path, 500, 503 while the database stays busy or cannot be reached, 507 when its disk is full',
  );
  return sortedByStatus(out);
}

function sortedByStatus(responses: Record<string, ResponseDoc>): Record<string, ResponseDoc> {
  const keys = Object.keys(responses).sort((a, b) => (a === 'default' ? 1 : b === 'default' ? -1 : a.localeCompare(b)));
  return Object.fromEntries(keys.map((k) => [k, responses[k] as ResponseDoc]));
}

/** `getEntityByEidConnector`; the root alias of a probe ends in `AtRoot`. */
function operationId(route: RouteDoc, atRoot: boolean): string {
  const words = route.path
    .split('/')
    .map((w) => (w.startsWith(':') ? `By-${w.slice(1)}` : w))
    .flatMap((w) => w.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return [route.method.toLowerCase(), ...(words.length ? words : ['Announce']), atRoot ? 'AtRoot' : ''].join('');
}

function operationOf(route: RouteDoc, path: string, params: PathParams, atRoot: boolean): Operation {
  const pathParams = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name = '']): PathParameterDoc => {
    const p = params[name];
    if (!p) throw new Error(`no description of path parameter :${name} (${route.method} ${route.path})`);
    return { name, in: 'path', required: true, description: p.description, schema: p.schema };
  });
  const parameters = [...pathParams, ...(route.parameters ?? [])];
  return {
    operationId: operationId(route, atRoot),
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            description: route.body.description,
            required: false,
            content: { 'application/json': { schema: route.body.schema } },
          },
        }
      : {}),
    responses: responsesOf(route),
    ...(route.public ? { security: [] } : {}),
  };
}

/** Component schemas referenced (`#/components/schemas/X`) anywhere in a value. */
function referencedSchemas(value: unknown): Record<string, JsonSchema> {
  const names = new Set(
    [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([A-Za-z0-9]+)"/g)].map((m) => m[1]!),
  );
  const out: Record<string, JsonSchema> = {};
  for (const name of [...names].sort()) {
    const schema = COMPONENT_SCHEMAS[name];
    if (!schema) throw new Error(`no component schema ${name}`);
    out[name] = schema;
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of one API, as served at `/{base}/openapi.json`.
 * @example const doc = buildOpenApiDocument({ surface: 'consumer' }); doc.paths['/v1/catalog'].get.summary
 */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const { surface, basePath = 'v1', version = '1' } = options;
  const { title, params } = SURFACES[surface];
  const paths: OpenApiDocument['paths'] = {};
  const tags: string[] = [];
  for (const route of routeDocs(surface)) {
    if (!tags.includes(route.tag)) tags.push(route.tag);
    for (const [i, path] of routePaths(route, basePath).entries()) {
      const key = openApiPath(path);
      paths[key] = { ...paths[key], [route.method.toLowerCase()]: operationOf(route, path, params, i > 0) };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: `bbk ${title} API`, version, description: DESCRIPTION },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: tags.map((name) => ({ name })),
    security: [{ token: [] }],
    paths,
    components: {
      schemas: referencedSchemas(paths),
      securitySchemes: {
        token: {
          type: 'apiKey',
          in: 'header',
          name: 'x-bbk-auth-token',
          description: `A ${surface} token (production mode); development mode checks none`,
        },
      },
    },
  };
}
