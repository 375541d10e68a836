// The OpenAPI documents (@bbk/sdk/protocol, docs/API-REFERENCE.md): every route the server registers
// is documented and every documented route exists; the documents and the reference pages are served
// without a token; and a journey through every route, with successes and errors, answers only what
// the documents say (validated as in the end-of-run check, tests/openapi/check.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiSurface, buildOpenApiDocument, openApiPath, routeDocs, routePaths } from '@bbk/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import type { ServerContext } from '../src/context.js';
import { registeredRoutes } from '../src/http/app.js';
import { RECORD_ENV } from '../src/http/openapi/record.js';
import { buildSurfaces } from '../src/http/surfaces.js';
import { startWebhook, type TestWebhook } from './consumer-setup.js';
import { call, startTestServer, type TestServer } from './harness.js';
import { type CheckSummary, OpenApiChecker } from './openapi/check.js';
import { journey } from './openapi/journey.js';
import { journeyClock, PRODUCTION_OPTIONS, productionJourney } from './openapi/journey-production.js';

const SURFACES: ApiSurface[] = ['coordinator', 'contributor', 'consumer'];

/** `METHOD /path/{param}` of every route a surface registers (no HEAD twins, no CORS preflight). */
async function registered(basePath: string): Promise<Record<ApiSurface, string[]>> {
  // building the surfaces touches no store and no listener: routes only
  const ctx = {
    config: resolveConfig({ mode: 'development', basePath }, {}),
    observers: {},
  } as unknown as ServerContext;
  const apps = buildSurfaces(ctx);
  const out = {} as Record<ApiSurface, string[]>;
  for (const surface of SURFACES) {
    await apps[surface].ready();
    out[surface] = registeredRoutes(apps[surface])
      .filter((r) => r.method !== 'HEAD' && !(r.method === 'OPTIONS' && r.url === '*'))
      .map((r) => `${r.method} ${openApiPath(r.url)}`)
      .sort();
    await apps[surface].close();
  }
  return out;
}

function documented(surface: ApiSurface, basePath: string): string[] {
  const doc = buildOpenApiDocument({ surface, basePath });
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe('route coverage', () => {
  for (const basePath of ['v1', '']) {
    it(`every registered route is documented and every documented route is registered (base "${basePath}")`, async () => {
      const routes = await registered(basePath);
      for (const surface of SURFACES) {
        expect({ surface, routes: routes[surface] }).toEqual({ surface, routes: documented(surface, basePath) });
      }
    });
  }

  it('operation ids are unique and every path parameter is described', () => {
    for (const surface of SURFACES) {
      const ops = Object.values(buildOpenApiDocument({ surface }).paths).flatMap((item) => Object.values(item));
      const ids = ops.map((o) => o.operationId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe('served documents', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ mode: 'production' });
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('each API serves its document and its reference page without a token; other routes still need one', async () => {
    for (const surface of SURFACES) {
      const base = server.urls[surface];
      const doc = await call(`${base}/openapi.json`);
      expect(doc.status).toBe(200);
      expect(doc.json).toEqual(buildOpenApiDocument({ surface, basePath: 'v1' }));
      const page = await call(`${base}/DOCS/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.text).not.toMatch(/<script|https?:\/\/(?!json-schema\.org)[a-z]/i);
      expect(page.text).toContain('/v1/openapi.json');
      expect((await call(base)).status).toBe(401);
    }
  });
});

describe('a journey through every route', () => {
  let server: TestServer;
  let production: TestServer;
  const clock = journeyClock();
  let hook: TestWebhook;
  let dir: string;
  let summary: CheckSummary;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bbk-openapi-journey-'));
    hook = await startWebhook((u) =>
      u.pathname.startsWith('/timeseries/')
        ? {
            body: [
              { from: '2024-01-02T00:00:00.000Z', value: 2 },
              { from: '2024-01-01T00:00:00.000Z', value: 1 },
            ],
          }
        : { body: { entity: { from_webhook: true } } },
    );
    // these servers record into the journey's own directory (read when their surfaces are built)
    const outer = process.env[RECORD_ENV];
    process.env[RECORD_ENV] = dir;
    try {
      server = await startTestServer({ mode: 'development' });
      production = await startTestServer({ ...PRODUCTION_OPTIONS, now: clock.now });
    } finally {
      if (outer === undefined) delete process.env[RECORD_ENV];
      else process.env[RECORD_ENV] = outer;
    }
    await journey(server, hook.url);
    await productionJourney(production, clock);
    summary = new OpenApiChecker().checkDirectory(dir);
  }, 120_000);

  afterAll(async () => {
    await server?.destroy();
    await production?.destroy();
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every answer validates against the documents', () => {
    expect(summary.checked).toBeGreaterThan(100);
    expect(summary.failures).toEqual([]);
  });

  it('reaches every documented route with a success, and every route with errors with an error', () => {
    const missing: string[] = [];
    for (const surface of SURFACES) {
      for (const route of routeDocs(surface)) {
        for (const path of routePaths(route, 'v1')) {
          const statuses = [...summary.seen]
            .filter((s) => s.startsWith(`${surface} ${route.method} ${path} `))
            .map((s) => Number(s.split(' ').pop()));
          // the probes' 503 needs a broken database: public routes need a success only
          const explicitErrors = !route.public && Object.keys(route.responses).some((s) => Number(s) >= 400);
          const successExpected = !Object.keys(route.responses).every((s) => Number(s) >= 400);
          if (successExpected && !statuses.some((s) => s < 400))
            missing.push(`${surface} ${route.method} ${path}: success`);
          if (explicitErrors && !statuses.some((s) => s >= 400))
            missing.push(`${surface} ${route.method} ${path}: error`);
        }
      }
    }
    // a new route needs a step in tests/openapi/journey.ts
    expect(missing).toEqual([]);
  });
});
