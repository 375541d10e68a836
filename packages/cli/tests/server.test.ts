import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../src/commands/status/index.js';
import { bbk, cleanup, normalise, spawnBbk, tempDir } from './helpers.js';

interface Ready {
  urls: { coordinator: string; contributor: string; consumer: string };
  mode: string;
  dataDir: string;
  bootstrapToken?: string;
}

const ports = ['--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'];
const flags = (ready: Ready) => [
  '--coordinator-url',
  ready.urls.coordinator,
  '--contributor-url',
  ready.urls.contributor,
  '--consumer-url',
  ready.urls.consumer,
];

afterAll(cleanup);

describe('bbk start', () => {
  it('prints the URLs and, on the first production start only, the bootstrap token; stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir('bbk-start-');
    const first = spawnBbk(['start', '--data-dir', dataDir, ...ports, '--json']);
    const ready = JSON.parse((await first.waitFor(/\n/)).split('\n')[0] ?? '') as Ready;
    expect(ready).toMatchObject({ mode: 'production', dataDir });
    expect(ready.urls.coordinator).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(ready.bootstrapToken).toMatch(/^coordinator\./);
    const token = ready.bootstrapToken ?? '';

    const status = await bbk(['status', '--json', ...flags(ready), '--token', token]);
    expect(status.code).toBe(0);
    const report = status.json<StatusReport>();
    expect(report).toMatchObject({
      up: true,
      mode: 'production',
      counts: { users: 1, entity_types: 0, connectors: 0, policies: 0, records: null },
    });
    expect(report.apis.contributor.state).toBe('unauthorized');

    first.kill('SIGTERM');
    const end = await first.exited;
    expect(end.code).toBe(0);
    // better-sqlite3 checkpoints and removes the WAL when the last connection closes.
    expect(existsSync(join(dataDir, 'bbk.sqlite-wal'))).toBe(false);

    const second = spawnBbk(['start', '--data-dir', dataDir, ...ports]);
    const human = await second.waitFor(/Press Ctrl\+C to stop/);
    expect(human).not.toMatch(/coordinator\.[A-Za-z0-9_-]+\./);
    expect(normalise(human)).toMatchSnapshot();
    const again = JSON.parse(JSON.stringify({ urls: parseUrls(human) })) as Ready;
    expect((await bbk(['user', 'list', '--quiet', ...flags(again), '--token', token])).stdout).toBe('1\n');

    // A fresh bootstrap token, issued while the server runs, replaces the old one at once.
    const issued = await bbk(['token', 'bootstrap', '--data-dir', dataDir, '--json']);
    expect(issued.code).toBe(0);
    const { token: fresh } = issued.json<{ token: string }>();
    expect((await bbk(['user', 'list', ...flags(again), '--token', token])).code).toBe(4);
    expect((await bbk(['user', 'list', '--quiet', ...flags(again), '--token', fresh])).code).toBe(0);

    second.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('takes its settings from BBK_* variables, flags winning', async () => {
    const dataDir = tempDir('bbk-env-');
    const run = spawnBbk(['start', '--json', '--consumer-port', '0'], {
      BBK_MODE: 'development',
      BBK_DATA_DIR: dataDir,
      BBK_HOST: '127.0.0.1',
      BBK_COORDINATOR_PORT: '0',
      BBK_CONTRIBUTOR_PORT: '0',
      BBK_CONSUMER_PORT: '1',
    });
    const ready = JSON.parse((await run.waitFor(/\n/)).split('\n')[0] ?? '') as Ready;
    expect(ready).toMatchObject({ mode: 'development', dataDir });
    expect(ready.bootstrapToken).toBeUndefined();
    const status = await bbk(['status', '--json', ...flags(ready)]);
    expect(status.json<StatusReport>()).toMatchObject({ up: true, mode: 'development' });
    run.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('exits 2 on a bad port and 1 when a port is taken', async () => {
    expect((await bbk(['start', '--coordinator-port', 'http'])).code).toBe(2);
    // a data directory that is a file is a bad path too
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const notDir = await bbk(['start', '--dev', '--data-dir', file, '--coordinator-port', '0']);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain(`data directory ${file} is not a directory`);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const busy = await bbk([
        'start',
        '--dev',
        '--data-dir',
        tempDir(),
        '--coordinator-port',
        port,
        '--contributor-port',
        '0',
        '--consumer-port',
        '0',
      ]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('--base-path serves every API under it (env BBK_BASE_PATH), a bad one is a usage error', async () => {
    const args = ['start', '--dev', '--data-dir', tempDir(), '--coordinator-port', '0', '--contributor-port', '0'];
    const run = spawnBbk([...args, '--consumer-port', '0', '--base-path', '/api/v2/', '--json']);
    const ready = JSON.parse((await run.waitFor(/\n/)).split('\n')[0] ?? '') as { urls: { consumer: string } };
    expect(ready.urls.consumer).toMatch(/\/api\/v2$/);
    const announce = (await (await fetch(ready.urls.consumer)).json()) as { base: string };
    expect(announce.base).toBe(ready.urls.consumer);
    run.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    const bad = await bbk([...args, '--consumer-port', '0', '--base-path', 'a b']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('base path must be path segments');
  });

  it('a first production start that cannot listen keeps the bootstrap token for the next start', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    const data = tempDir();
    const others = ['--contributor-port', '0', '--consumer-port', '0', '--json'];
    try {
      const busy = await bbk(['start', '--data-dir', data, '--coordinator-port', port, ...others]);
      expect(busy.code).toBe(1);
    } finally {
      blocker.close();
    }
    const next = spawnBbk(['start', '--data-dir', data, '--coordinator-port', '0', ...others]);
    const ready = JSON.parse((await next.waitFor(/\n/)).split('\n')[0] ?? '') as { bootstrapToken?: string };
    expect(ready.bootstrapToken).toMatch(/^coordinator\./);
    next.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });
});

describe('bbk token bootstrap, bbk status', () => {
  it('refuses a directory without a database', async () => {
    const r = await bbk(['token', 'bootstrap', '--data-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no bbk database/);
  });

  it('reports an unreachable server with exit 1', async () => {
    const r = await bbk([
      'status',
      '--json',
      '--coordinator-url',
      'http://127.0.0.1:9/v1',
      '--contributor-url',
      'http://127.0.0.1:9/v1',
      '--consumer-url',
      'http://127.0.0.1:9/v1',
    ]);
    expect(r.code).toBe(1);
    expect(r.json<StatusReport>()).toMatchObject({ up: false, apis: { coordinator: { state: 'unreachable' } } });
    const network = await bbk(['user', 'list', '--coordinator-url', 'http://127.0.0.1:9/v1']);
    expect(network.code).toBe(1);
    expect(network.stderr).toMatch(/ECONNREFUSED/);
  });
});

function parseUrls(text: string): Ready['urls'] {
  const url = (name: string) => new RegExp(`${name} API\\s+(\\S+)`).exec(text)?.[1] ?? '';
  return { coordinator: url('Coordinator'), contributor: url('Contributor'), consumer: url('Consumer') };
}
