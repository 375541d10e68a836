import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, openApiPath, routeDocs, routePaths } from './document.js';
import type { ApiSurface } from './route-doc.js';

const SURFACES: ApiSurface[] = ['coordinator', 'contributor', 'consumer'];

describe('buildOpenApiDocument', () => {
  it('is OpenAPI 3.1 with the token scheme; probes and the reference need no token', () => {
    const doc = buildOpenApiDocument({ surface: 'consumer' });
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.components.securitySchemes.token).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-bbk-auth-token',
    });
    expect(doc.paths['/v1/catalog']?.get?.security).toBeUndefined();
    for (const path of ['/v1/openapi.json', '/v1/docs', '/v1/healthz', '/healthz', '/readyz'])
      expect(doc.paths[path]?.get?.security, path).toEqual([]);
  });

  it('puts every route under the base path, probes also at the root, and none of them twice', () => {
    expect(Object.keys(buildOpenApiDocument({ surface: 'contributor', basePath: 'api/v2' }).paths)).toEqual([
      '/api/v2',
      '/api/v2/error/test',
      '/api/v2/healthz',
      '/healthz',
      '/api/v2/readyz',
      '/readyz',
      '/api/v2/openapi.json',
      '/api/v2/docs',
      '/api/v2/connector/{cid}/session/open/{mode}',
      '/api/v2/connector/{cid}/session/{sid}/{action}',
      '/api/v2/connector/{cid}/session/{sid}/close/{commit}',
    ]);
    expect(Object.keys(buildOpenApiDocument({ surface: 'contributor', basePath: '' }).paths).slice(0, 3)).toEqual([
      '/',
      '/error/test',
      '/healthz',
    ]);
  });

  it('describes every path parameter, and every reference resolves to a component of the document', () => {
    for (const surface of SURFACES) {
      const doc = buildOpenApiDocument({ surface });
      for (const [path, item] of Object.entries(doc.paths))
        for (const op of Object.values(item)) {
          const inPath = [...path.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]);
          const described = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
          expect(described, `${surface} ${path}`).toEqual(inPath);
        }
      const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([A-Za-z0-9]+)"/g)].map((m) => m[1]!);
      for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
    }
  });

  it('completes each route: ETag and 304 on JSON GETs, token errors where a token is needed, a default error', () => {
    const doc = buildOpenApiDocument({ surface: 'coordinator' });
    const get = doc.paths['/v1/entity/{eid}']!.get!;
    expect(Object.keys(get.responses)).toEqual(['200', '304', '401', '403', '404', 'default']);
    expect(get.responses['200']!.headers!.etag!.required).toBe(true);
    const post = doc.paths['/v1/entity/{eid}']!.post!;
    expect(Object.keys(post.responses)).toEqual(['201', '400', '401', '403', '409', '413', '415', 'default']);
    expect(post.responses['201']!.headers!.location!.required).toBe(true);
    expect(post.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/EntityTypeInput',
    });
    const healthz = doc.paths['/healthz']!.get!;
    expect(Object.keys(healthz.responses)).toEqual(['200', '304', 'default']);
    const limited = buildOpenApiDocument({ surface: 'consumer' }).paths['/v1/catalog']!.get!.responses['429']!;
    expect(limited.headers!['retry-after']!.required).toBe(true);
  });

  it('error bodies carry their status: a 404 body is exactly the standard one', () => {
    const doc = buildOpenApiDocument({ surface: 'coordinator' });
    expect(doc.components.schemas.Error404).toMatchObject({
      properties: {
        error: { properties: { code: { const: 404 }, status: { const: 'Not Found' }, message: { const: '' } } },
      },
    });
  });

  it('route paths map to OpenAPI paths', () => {
    expect(openApiPath('/v1/user/:uid/access/:pid')).toBe('/v1/user/{uid}/access/{pid}');
    const probe = routeDocs('consumer').find((r) => r.path === '/readyz')!;
    expect(routePaths(probe, 'v1')).toEqual(['/v1/readyz', '/readyz']);
    expect(routePaths(probe, '')).toEqual(['/readyz']);
  });
});
