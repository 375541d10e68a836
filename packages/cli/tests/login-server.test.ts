import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';
import { bbk, cleanup, createOpenPolicy, tempDir } from './helpers.js';

/** `bbk login --server URL`: one login for the three APIs of a server listening on P, P+1, P+2. */

/** A server on three consecutive free ports (the layout `--server` assumes), retried on a taken port. */
async function consecutive(mode: 'production' | 'development'): Promise<TestServer> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    try {
      return await startTestServer({ mode, coordinatorPort: port, contributorPort: port + 1, consumerPort: port + 2 });
    } catch (error) {
      if (attempt > 20 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}

const portOf = (url: string) => new URL(url).port;
let prod: TestServer;
let dev: TestServer;
let env: Record<string, string>;
let config: string;
const readProfiles = () => JSON.parse(readFileSync(config, 'utf8')).profiles;

beforeAll(async () => {
  prod = await consecutive('production');
  dev = await consecutive('development');
  await createOpenPolicy(dev.urls.coordinator);
  const home = tempDir('bbk-home-');
  config = join(home, 'config.json');
  env = { HOME: home, BBK_CONFIG: config };
}, 30_000);

afterAll(async () => {
  await Promise.all([prod.destroy(), dev.destroy()]);
  cleanup();
});

describe('bbk login --server', () => {
  it('development: sets all three URLs from host and first port, checks each announce, and works at once', async () => {
    const server = `http://127.0.0.1:${portOf(dev.urls.coordinator)}`;
    const login = await bbk(['login', '--server', server, '--audience', 'open', '--profile', 'dev', '--json'], { env });
    expect(login.code, login.stderr).toBe(0);
    const { coordinator, contributor, consumer } = dev.urls; // the three APIs (the server also lists its console)
    expect(login.json()).toMatchObject({
      profile: 'dev',
      urls: { coordinator, contributor, consumer },
      mode: 'development',
      token_saved_for: [],
    });
    expect(readProfiles().dev).toEqual({
      coordinator: { url: dev.urls.coordinator },
      contributor: { url: dev.urls.contributor },
      consumer: { url: dev.urls.consumer, audience: 'open' },
    });
    const types = await bbk(['--profile', 'dev', 'catalog', 'types', '--json'], { env });
    expect([types.code, types.json()]).toEqual([0, []]);
    const users = await bbk(['--profile', 'dev', 'user', 'list', '--json'], { env });
    expect(users.code).toBe(0);
  });

  it('production: the token is saved for the API it opens; the other URLs are saved without one', async () => {
    const server = `http://127.0.0.1:${portOf(prod.urls.coordinator)}/v1`;
    const login = await bbk(['login', '--server', server, '--token', prod.adminToken, '--profile', 'prod', '--json'], {
      env,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.json()).toMatchObject({ mode: 'production', token_saved_for: ['coordinator'] });
    const saved = readProfiles().prod;
    expect(saved.coordinator).toEqual({ url: prod.urls.coordinator, token: prod.adminToken });
    expect(saved.contributor).toEqual({ url: prod.urls.contributor });
    expect(saved.consumer).toEqual({ url: prod.urls.consumer });
    expect(login.stdout).not.toContain(prod.adminToken.split('.')[2]);
    const users = await bbk(['--profile', 'prod', 'user', 'list', '--quiet'], { env });
    expect([users.code, users.stdout]).toEqual([0, '1\n']);
  });

  it('refuses a token no API accepts (exit 4) and saves nothing', async () => {
    const before = readFileSync(config, 'utf8');
    const server = `http://127.0.0.1:${portOf(prod.urls.coordinator)}`;
    const login = await bbk(['login', '--server', server, '--token', 'consumer.bad.token', '--profile', 'x'], { env });
    expect(login.code).toBe(4);
    expect(login.stderr).toContain('none of the APIs');
    expect(readFileSync(config, 'utf8')).toBe(before);
  });

  it('says so when a URL is not the API it should be (its announce names another service)', async () => {
    const login = await bbk(['login', 'coordinator', '--url', dev.urls.contributor, '--profile', 'wrong'], { env });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(`is not a coordinator API: it announces itself as "bit-broker contributor service"`);
    const shifted = `http://127.0.0.1:${Number(portOf(dev.urls.coordinator)) + 1}`;
    const server = await bbk(['login', '--server', shifted, '--profile', 'wrong'], { env });
    expect(server.code).toBe(1);
    expect(readProfiles().wrong).toBeUndefined();
  });

  it('refuses a malformed --server and --url without an API (exit 2)', async () => {
    expect((await bbk(['login', '--server', 'ftp://x', '--no-verify'], { env })).code).toBe(2);
    const url = await bbk(['login', '--url', dev.urls.coordinator], { env });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--url is for one API');
  });
});
