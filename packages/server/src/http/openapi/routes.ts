import { type ApiSurface, buildOpenApiDocument, OPENAPI_PATH, REFERENCE_PATH } from '@bbk/sdk/protocol';
import type { FastifyInstance } from 'fastify';
import { PUBLIC_ROUTE } from '../observe.js';
import { renderReferencePage } from './reference-page.js';

/** The reference page runs no script and loads nothing: everything is inline. */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/**
 * `GET /{base}/openapi.json` (the API's OpenAPI 3.1 document) and `GET /{base}/docs` (the same as a
 * self-contained HTML page), with no token, on each API. Both are built on first request.
 */
export function openApiRoutes(app: FastifyInstance, surface: ApiSurface, basePath: string): void {
  let json: string | undefined;
  let page: string | undefined;
  const document = () => buildOpenApiDocument({ surface, basePath });
  app.get(OPENAPI_PATH, { config: PUBLIC_ROUTE }, async (_req, reply) => {
    json ??= JSON.stringify(document());
    return reply.type('application/json; charset=utf-8').send(json);
  });
  app.get(REFERENCE_PATH, { config: PUBLIC_ROUTE }, async (_req, reply) => {
    page ??= renderReferencePage(document());
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_POLICY).send(page);
  });
}
