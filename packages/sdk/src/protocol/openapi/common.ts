/** Routes every API answers (spec §1.3), and the bbk probes and reference routes, as the document describes them. */
import { empty, error, json, type RouteDoc, ref } from './route-doc.js';

/** Path of the OpenAPI document under the base path. */
export const OPENAPI_PATH = '/openapi.json';
/** Path of the reference page under the base path. */
export const REFERENCE_PATH = '/docs';

/** Routes of all three APIs. */
export const COMMON_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '',
    tag: 'Service',
    summary: 'Announce: name, base URL, mode and clock of the service',
    responses: { 200: json('The announce', ref('Announce')) },
  },
  {
    method: 'GET',
    path: '/error/test',
    tag: 'Service',
    summary: 'Answer a test error, so clients can check their error handling',
    description: 'Development mode only (404 in production mode).',
    responses: {
      404: error(404, 'Production mode'),
      500: error(500, 'Development mode: `test error message - please ignore`'),
    },
  },
  {
    method: 'GET',
    path: '/healthz',
    tag: 'Probes',
    summary: 'Liveness: the process answers',
    public: true,
    alsoAtRoot: true,
    responses: { 200: json('Alive', ref('Liveness')) },
  },
  {
    method: 'GET',
    path: '/readyz',
    tag: 'Probes',
    summary: 'Readiness: the database answers at the newest schema version',
    public: true,
    alsoAtRoot: true,
    responses: {
      200: json('Ready', ref('Readiness')),
      503: error(503, 'Not ready; the message says what failed'),
    },
  },
  {
    method: 'GET',
    path: OPENAPI_PATH,
    tag: 'Reference',
    summary: 'This OpenAPI 3.1 document',
    public: true,
    responses: { 200: json('The OpenAPI document of this API', ref('OpenApiDocument')) },
  },
  {
    method: 'GET',
    path: REFERENCE_PATH,
    tag: 'Reference',
    summary: 'This document as a self-contained HTML reference page',
    public: true,
    responses: { 200: { ...empty('The reference page'), content: { 'text/html': { schema: { type: 'string' } } } } },
  },
];
