import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/index.js';
import { call, startTestServer, type TestServer } from './harness.js';

/** A GET with the path and Host exactly as given (fetch would normalise `..` and refuse to set Host). */
function raw(base: string, path: string, host?: string): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: host ? { host } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The web console's static files at /console/ (docs/CONSOLE.md), served from a stand-in build here.
describe('GET /console/ on the coordinator listener', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-console-dist-'));
  let server: TestServer;
  let root: string;

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>bbk console</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    server = await startTestServer({ mode: 'production', consoleDir: dir });
    root = server.urls.coordinator.replace(/\/v1$/, '');
  });
  afterAll(async () => {
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page and its assets without a token, with content types and caching', async () => {
    expect(server.urls.console).toBe(`${root}/console/`);
    const page = await call(`${root}/console/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('bbk console');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    // the page holds a coordinator's token: never framed, connecting to the three APIs only
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    for (const api of [server.urls.coordinator, server.urls.contributor, server.urls.consumer])
      expect(policy).toContain(new URL(api).origin);
    const js = await call(`${root}/console/assets/index-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const bare = await fetch(`${root}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it('answers config.json with the three API URLs as the browser reaches them', async () => {
    const res = await raw(root, '/console/config.json', `localhost:${new URL(root).port}`);
    expect(res.status).toBe(200);
    const port = (u: string) => new URL(u).port;
    expect(JSON.parse(res.text)).toEqual({
      coordinator: `http://localhost:${port(server.urls.coordinator)}/v1`,
      contributor: `http://localhost:${port(server.urls.contributor)}/v1`,
      consumer: `http://localhost:${port(server.urls.consumer)}/v1`,
      mode: 'production',
    });
  });

  it('reaches nothing outside the build, and keeps the APIs behind their tokens', async () => {
    for (const path of ['/console/../package.json', '/console/%2e%2e/%2e%2e/package.json', '/console/nope.js']) {
      const res = await raw(root, path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.text)).toEqual({ error: { code: 404, status: 'Not Found', message: '' } });
    }
    expect((await call(`${server.urls.coordinator}/user`)).status).toBe(401);
    // only the coordinator listener has the console: elsewhere it is an unknown path like any other
    expect((await call(`${server.urls.consumer.replace(/\/v1$/, '')}/console/`)).status).toBe(401);
  });
});

describe('console switched off or not built', () => {
  it('--no-console (BBK_CONSOLE=0) serves nothing at /console/', async () => {
    expect(resolveConfig({}, { BBK_CONSOLE: '0' }).console).toBe(false);
    expect(resolveConfig({}, {}).console).toBe(true);
    expect(() => resolveConfig({}, { BBK_CONSOLE: 'maybe' })).toThrow(/BBK_CONSOLE/);
    const server = await startTestServer({ console: false });
    try {
      expect(server.urls.console).toBeUndefined();
      expect((await call(server.urls.coordinator.replace(/\/v1$/, '/console/'))).status).toBe(404);
    } finally {
      await server.destroy();
    }
  });

  it('without a build, the server starts and /console/ says how to build it', async () => {
    const server = await startTestServer({ consoleDir: join(tmpdir(), 'bbk-no-such-console') });
    try {
      const res = await call(server.urls.coordinator.replace(/\/v1$/, '/console/'));
      expect(res.status).toBe(503);
      expect(res.text).toContain('pnpm build');
      expect((await call(`${server.urls.coordinator}/user`)).status).toBe(200);
    } finally {
      await server.destroy();
    }
  });
});
