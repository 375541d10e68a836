import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';
import type { ProfileSummary } from '../src/commands/profile/index.js';
import { bbk, cleanup, createOpenPolicy, tempDir } from './helpers.js';

let server: TestServer;
let dev: TestServer;
let home: string;
let env: Record<string, string>;
const mode = (path: string) => statSync(path).mode & 0o777;

beforeAll(async () => {
  [server, dev] = await Promise.all([
    startTestServer({ mode: 'production' }),
    startTestServer({ mode: 'development' }),
  ]);
  await createOpenPolicy(dev.urls.coordinator);
});

afterAll(async () => {
  await Promise.all([server.destroy(), dev.destroy()]);
  cleanup();
});

describe('bbk login and profiles', () => {
  beforeAll(() => {
    home = tempDir('bbk-home-');
    env = { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), BBK_CONFIG: '' };
  });

  it('checks the token, then stores URL and token in $XDG_CONFIG_HOME/bbk/config.json with mode 0600', async () => {
    const login = await bbk(
      ['login', 'coordinator', '--url', server.urls.coordinator, '--token', server.adminToken, '--json'],
      { env },
    );
    expect(login.code).toBe(0);
    const path = join(home, 'xdg', 'bbk', 'config.json');
    expect(login.json()).toEqual({
      profile: 'default',
      api: 'coordinator',
      url: server.urls.coordinator,
      mode: 'production',
      token_saved: true,
      config: path,
    });
    expect(mode(path)).toBe(0o600);
    expect(mode(join(home, 'xdg', 'bbk'))).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      current: 'default',
      profiles: { default: { coordinator: { url: server.urls.coordinator, token: server.adminToken } } },
    });
    expect(login.stdout + login.stderr).not.toContain(server.adminToken);
  });

  it('uses the profile when no flag or variable is given', async () => {
    const r = await bbk(['user', 'list', '--quiet'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1\n');
  });

  it('lets flags and BBK_* variables override the profile', async () => {
    // A wrong token from the environment or a flag wins over the stored one.
    expect((await bbk(['user', 'list'], { env: { ...env, BBK_TOKEN: 'coordinator.a.b' } })).code).toBe(4);
    expect((await bbk(['user', 'list', '--token', 'coordinator.a.b'], { env })).code).toBe(4);
    expect(
      (await bbk(['user', 'list', '--quiet', '--token', server.adminToken], { env: { ...env, BBK_TOKEN: 'x.y.z' } }))
        .code,
    ).toBe(0);
    // A URL flag or variable wins over the stored URL.
    expect((await bbk(['user', 'list', '--coordinator-url', 'http://127.0.0.1:9/v1'], { env })).code).toBe(1);
    expect((await bbk(['user', 'list'], { env: { ...env, BBK_COORDINATOR_URL: 'http://127.0.0.1:9/v1' } })).code).toBe(
      1,
    );
  });

  it('refuses a bad token (exit 4, nothing saved) and needs a token for production without a terminal (exit 2)', async () => {
    const before = readFileSync(join(home, 'xdg', 'bbk', 'config.json'), 'utf8');
    const bad = await bbk(
      ['login', 'coordinator', '--url', server.urls.coordinator, '--token', 'coordinator.x.y', '--profile', 'other'],
      { env },
    );
    expect(bad.code).toBe(4);
    const none = await bbk(['login', 'contributor', '--url', server.urls.contributor], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing required value: --token');
    expect(readFileSync(join(home, 'xdg', 'bbk', 'config.json'), 'utf8')).toBe(before);
  });

  it('keeps named profiles apart: --profile, BBK_PROFILE, profile use, logout', async () => {
    const login = await bbk(
      ['login', 'consumer', '--url', dev.urls.consumer, '--audience', 'open', '--profile', 'dev'],
      { env },
    );
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('without a token');
    const list = await bbk(['profile', 'list', '--json'], { env });
    expect(list.json<ProfileSummary[]>()).toEqual([
      {
        name: 'default',
        current: true,
        coordinator: { url: server.urls.coordinator, has_token: true },
        contributor: null,
        consumer: null,
      },
      {
        name: 'dev',
        current: false,
        coordinator: null,
        contributor: null,
        consumer: { url: dev.urls.consumer, has_token: false, audience: 'open' },
      },
    ]);
    const human = await bbk(['profile', 'list'], { env });
    expect(human.stdout).not.toContain(server.adminToken);
    expect(human.stdout).toContain('(token)');
    // on an 80-column terminal too: the marker comes before the URL, which is what gets cut
    expect((await bbk(['profile', 'list'], { env: { ...env, COLUMNS: '80' } })).stdout).toContain('(token)');
    // The dev profile has no coordinator URL: the default URL (nothing listens there in tests) is used.
    expect(
      (await bbk(['user', 'list', '--profile', 'dev', '--coordinator-url', server.urls.coordinator], { env })).code,
    ).toBe(4);
    expect((await bbk(['user', 'list', '--profile', 'nope'], { env })).code).toBe(2);
    expect((await bbk(['profile', 'use', 'dev'], { env })).code).toBe(0);
    expect((await bbk(['catalog', 'types', '--json'], { env })).json()).toEqual([]);
    expect((await bbk(['user', 'list', '--quiet'], { env: { ...env, BBK_PROFILE: 'default' } })).stdout).toBe('1\n');
    expect((await bbk(['logout', '--profile', 'dev'], { env })).code).toBe(0);
    expect((await bbk(['profile', 'list', '--quiet'], { env })).stdout).toBe('default\n');
    expect((await bbk(['logout', 'contributor'], { env })).code).toBe(3);
  });

  it('falls back to ~/.config/bbk/config.json, honours BBK_CONFIG, and rejects a broken file (exit 2)', async () => {
    const plain = tempDir('bbk-plain-');
    const noXdg = { HOME: plain, BBK_CONFIG: '' };
    expect(
      (
        await bbk(['login', 'coordinator', '--url', server.urls.coordinator, '--token', server.adminToken], {
          env: noXdg,
        })
      ).code,
    ).toBe(0);
    expect(mode(join(plain, '.config', 'bbk', 'config.json'))).toBe(0o600);
    const custom = join(plain, 'custom.json');
    expect(
      (
        await bbk(['login', 'coordinator', '--url', server.urls.coordinator, '--token', server.adminToken], {
          env: { BBK_CONFIG: custom },
        })
      ).code,
    ).toBe(0);
    expect(mode(custom)).toBe(0o600);
    writeFileSync(custom, '{broken');
    const broken = await bbk(['user', 'list'], { env: { BBK_CONFIG: custom } });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('not valid JSON');
  });
});
