import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { createBbk, type EntityTypeInput } from '@bbk/sdk';
import { type RunningServer, startServer } from '@bbk/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bbk, cleanup, inPty } from './helpers.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'bbk-init-'));
const INSTALL_MS = 8 * 60_000;

let server: RunningServer;
let serverDir: string;

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'bbk-init-server-'));
  server = await startServer(
    { mode: 'production', dataDir: serverDir, coordinatorPort: 0, contributorPort: 0, consumerPort: 0 },
    {},
  );
  installEnv = await localPrebuilds();
});

afterAll(async () => {
  await server?.close();
  rmSync(serverDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  cleanup();
});

/** `bbk connector init …` as a real process. */
const init = (args: string[]) => bbk(['connector', 'init', ...args]);

/** npm in a project directory, with the developer's npm configuration and cache, without colours. */
const npm = (dir: string, args: string[], timeout: number, env: NodeJS.ProcessEnv = {}) =>
  run('npm', args, {
    cwd: dir,
    timeout,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
  });

/**
 * The environment that lets a scaffold's `npm install` take this workspace's own build of
 * better-sqlite3 as the prebuilt binary its install script looks for (prebuild-install's local
 * prebuilds), instead of compiling SQLite again: on a machine that reaches the registry only,
 * that compile took most of this file's six minutes. Everything else still installs from the
 * registry; another better-sqlite3 version than the workspace's simply compiles as before.
 */
async function localPrebuilds(): Promise<NodeJS.ProcessEnv> {
  const pkgFile = require.resolve('better-sqlite3/package.json', { paths: [require.resolve('@bbk/server')] });
  const pkgDir = dirname(pkgFile);
  const { version } = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
  if (!existsSync(join(pkgDir, 'build', 'Release', 'better_sqlite3.node'))) return {};
  const dir = join(work, 'prebuilds');
  mkdirSync(dir, { recursive: true });
  // the name prebuild-install looks for (glibc Linux, macOS; elsewhere it is not found and SQLite compiles)
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

let installEnv: NodeJS.ProcessEnv = {};

/** Creates the project's entity type and a live connector on the test server; resolves to its target. */
async function register(dir: string, slug: string, webhook: string | null) {
  const { stdout } = await npm(dir, ['run', '--silent', 'entity-type'], 60_000);
  const definition = JSON.parse(stdout) as EntityTypeInput;
  const bbk = createBbk({ coordinatorUrl: server.urls.coordinator, token: { coordinator: server.bootstrapToken } });
  try {
    await bbk.coordinator.entityTypes.create(slug, definition);
    const created = await bbk.coordinator.connectors.create(slug, slug, {
      name: slug,
      description: 'scaffolded',
      webhook,
    });
    await bbk.coordinator.connectors.promote(slug, slug);
    await bbk.coordinator.policies.create(slug, {
      name: slug,
      description: 'the scaffolded connector',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: slug } },
        legal_context: [],
      },
    });
    const user = await bbk.coordinator.users.create({ name: slug, email: `${slug}@bbk.test`, organization: 'bbk' });
    const consumerToken = await bbk.coordinator.accesses.grant(user.id, slug);
    return {
      created,
      consumer: createBbk({ consumerUrl: server.urls.consumer, token: { consumer: consumerToken } }).consumer,
    };
  } finally {
    await bbk.close();
  }
}

/** Stops a detached child and everything it started; resolves once it has exited. */
async function stopTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }, 5000);
  await exited;
  clearTimeout(timer);
}

describe('bbk connector init (real processes, npm install from the registry)', () => {
  it('refuses bad values and a non-empty directory with exit code 2, before packing anything', async () => {
    const bad = await init([join(work, 'bad'), '--entity', 'Not A Slug', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--entity');
    const full = join(work, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'x');
    const nonEmpty = await init([full, '--yes']);
    expect(nonEmpty.code).toBe(2);
    expect(nonEmpty.stderr).toContain('not empty');
    expect(existsSync(join(full, 'vendor'))).toBe(false);
    const file = await init([join(full, 'keep.txt'), '--yes']);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('is a file, not a directory');
  });

  it('asks for every value on a terminal', async () => {
    const dir = join(work, 'asked');
    const run = await inPty(
      ['connector', 'init'],
      [
        ['Directory of the new project', `${dir}\r`],
        ['Package name', '\r'],
        ['Entity type', 'bus-stop\r'],
        ['Session mode', '\r'],
        ['Source of the records', '\u001b[B\r'],
        ['Host a webhook', 'y\r'],
        ['Created asked', ''],
      ],
    );
    expect([run.code, run.error]).toEqual([0, null]);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe('asked');
    const entityType = readFileSync(join(dir, 'src', 'entity-type.ts'), 'utf8');
    expect(entityType).toContain("export const ENTITY_TYPE = 'bus-stop';");
    expect(entityType).toContain("SESSION_MODE: SessionMode = 'replace'");
    expect(existsSync(join(dir, 'data', 'records.csv'))).toBe(true);
    expect(existsSync(join(dir, 'src', 'webhook.ts'))).toBe(true);
  });

  // The two scaffolds install and test side by side (different directories, entity types and connectors on the
  // one server): most of their time is waiting on the registry and on npm, which overlaps.
  it.concurrent(
    'json + webhook, stream: npm install && npm test pass; npm start contributes and serves the webhook',
    async ({ expect }) => {
      const dir = join(work, 'stations');
      const args = [
        dir,
        '--name',
        'stations',
        '--entity',
        'station',
        '--mode',
        'stream',
        '--source',
        'json',
        '--webhook',
        '--yes',
        '--json',
      ];
      const created = await init(args);
      expect(created.code, created.stderr).toBe(0);
      const report = JSON.parse(created.stdout);
      expect(report).toMatchObject({
        name: 'stations',
        entity: 'station',
        mode: 'stream',
        source: 'json',
        webhook: true,
      });
      expect(report.files).toEqual(
        expect.arrayContaining(['src/webhook.ts', 'data/records.json', 'test/contract.test.ts']),
      );
      expect(report.vendor).toHaveLength(3);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.dependencies['@bbk/connector-kit']).toMatch(/^file:vendor\/bbk-connector-kit-.*\.tgz$/);

      await npm(dir, ['install', '--no-audit', '--no-fund'], INSTALL_MS, installEnv);
      const tested = await npm(dir, ['test'], 5 * 60_000);
      expect(stripVTControlCharacters(tested.stdout)).toMatch(/Tests\s+2 passed/);

      const { created: connector, consumer } = await register(dir, 'station', 'http://127.0.0.1:9/not-yet');
      const start: ChildProcess = spawn('npm', ['start'], {
        cwd: dir,
        env: {
          ...process.env,
          BBK_CONTRIBUTOR_URL: server.urls.contributor,
          BBK_CONNECTOR_ID: connector.id,
          BBK_TOKEN: connector.token,
          BBK_WEBHOOK_PORT: '0',
          BBK_WEBHOOK_SECRET: connector.webhook_secret ?? '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // its own process group, so the whole tree (npm, sh, tsx, node) can be stopped at the end
        detached: true,
      });
      try {
        let out = '';
        const webhookUrl = await new Promise<string>((resolve, reject) => {
          start.stdout?.on('data', (chunk) => {
            out += chunk;
            const url = /webhook listening at (\S+)/.exec(out)?.[1];
            if (url && out.includes('contributed 5 records')) resolve(url);
          });
          start.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)));
        });
        const admin = createBbk({
          coordinatorUrl: server.urls.coordinator,
          token: { coordinator: server.bootstrapToken },
        });
        await admin.coordinator.connectors.update('station', 'station', {
          name: 'station',
          description: 'scaffolded',
          webhook: webhookUrl,
        });
        await admin.close();
        const items = await consumer.entities('station');
        expect(items.map((i) => i.name).sort()).toEqual([
          'Berlin Hauptbahnhof',
          'Gare du Nord',
          'London Bridge',
          'Madrid Atocha',
          'Roma Termini',
        ]);
        const detail = await consumer.entity('station', items[0]?.id ?? '');
        expect(detail.instance).toMatchObject({ status: 'open', checked_at: expect.any(String) });
        expect(JSON.stringify(detail)).not.toContain('_contact');
        const points = await consumer.timeseries('station', items[0]?.id ?? '', 'footfall', { limit: 3 });
        expect(points).toHaveLength(3);
      } finally {
        await stopTree(start);
        await consumer.close();
      }
    },
    INSTALL_MS + 6 * 60_000,
  );

  it.concurrent(
    'sql (better-sqlite3), replace, no webhook: npm install && npm test pass; npm start replaces the records',
    async ({ expect }) => {
      const dir = join(work, 'depots');
      const created = await init([
        dir,
        '--name',
        'depots',
        '--entity',
        'depot',
        '--mode',
        'replace',
        '--source',
        'sql',
        '--yes',
      ]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain('npm install');
      expect(existsSync(join(dir, 'src', 'webhook.ts'))).toBe(false);

      await npm(dir, ['install', '--no-audit', '--no-fund'], INSTALL_MS, installEnv);
      const tested = await npm(dir, ['test'], 5 * 60_000);
      expect(stripVTControlCharacters(tested.stdout)).toMatch(/Tests\s+2 passed/);

      const { created: connector, consumer } = await register(dir, 'depot', null);
      const env = {
        BBK_CONTRIBUTOR_URL: server.urls.contributor,
        BBK_CONNECTOR_ID: connector.id,
        BBK_TOKEN: connector.token,
      };
      const started = await npm(dir, ['start'], 120_000, env);
      expect(started.stdout).toContain('contributed 5 records');
      expect((await consumer.entities('depot')).length).toBe(5);
      await consumer.close();
    },
    INSTALL_MS + 6 * 60_000,
  );
});
