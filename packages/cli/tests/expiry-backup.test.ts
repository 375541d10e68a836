import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ContributorClient, CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';
import { cleanup, type Run, serverAndCli, tempDir } from './helpers.js';

// `--expires` on access grant/reissue and connector add/reissue, the EXPIRES and LAST USED columns,
// the 401 of an expired token; `bbk backup` while the server serves and a session writes.

// better-sqlite3 is the server's dependency: open the backup with the server's copy
const Database = createRequire(new URL('../../server/package.json', import.meta.url))(
  'better-sqlite3',
) as typeof import('better-sqlite3');

const DAY = 86_400_000;
let clock = Date.now();
let server: TestServer;
let run: (args: string[], token?: string) => Promise<Run>;
let admin: CoordinatorClient;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  ({ server, run } = await serverAndCli({ mode: 'production', now: () => clock }));
  admin = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  await admin.users.create({ name: 'Dana', email: 'dana@x.io', organization: 'X' });
  await admin.entityTypes.create('thing', { name: 'Things', description: 'Things' });
  await admin.policies.create('things', {
    name: 'Things',
    description: 'Things',
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'thing' } },
      legal_context: [],
    },
  });
});
afterAll(async () => {
  await admin.close();
  await server.destroy();
  cleanup();
});

describe('token lifetimes in the CLI', () => {
  it('grants with --expires, shows EXPIRES and LAST USED, and an expired token exits 4 saying so', async () => {
    const granted = await run(['access', 'grant', '2', 'things', '--expires', '90d', '--json']);
    expect(granted.code).toBe(0);
    const { token } = granted.json<{ token: string }>();
    const human = await run(['access', 'grant', '2', 'nope', '--expires', '90d']);
    expect(human.code).toBe(3);

    const types = await run(['catalog', 'types', '--json'], token);
    expect(types.code).toBe(0);
    const listed = await run(['access', 'list', '2', '--json']);
    expect(listed.json()).toEqual([
      expect.objectContaining({ id: 'things', expires: iso(clock + 90 * DAY), last_used: iso(clock) }),
    ]);
    const table = await run(['access', 'list', '2', '-o', 'wide']);
    const [header, row] = table.stdout.split('\n');
    expect(header).toMatch(/^POLICY\s+CREATED\s+EXPIRES\s+LAST USED\s+URL/);
    expect(row).toContain(iso(clock + 90 * DAY));

    clock += 90 * DAY;
    const refused = await run(['catalog', 'types'], token);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('token expired');
  });

  it('reissues with an ISO time; a bad --expires is the server 400 on expires (exit 6)', async () => {
    const at = iso(clock + 7 * DAY);
    const reissued = await run(['access', 'reissue', '2', 'things', '--expires', at, '--quiet']);
    expect(reissued.code).toBe(0);
    expect((await run(['catalog', 'types', '--quiet'], reissued.stdout.trim())).code).toBe(0);
    expect((await admin.accesses.get(2, 'things')).expires).toBe(at);
    const bad = await run(['access', 'reissue', '2', 'things', '--expires', 'soon', '--json']);
    expect(bad.code).toBe(6);
    expect(bad.errorJson().error.items).toEqual([
      { name: 'expires', index: null, reason: 'is not any of "duration","ISO-8601 time"' },
    ]);
  });

  it('adds a connector with --expires and reissues its token; list and show carry the expiry', async () => {
    const added = await run([
      'connector',
      'add',
      'thing',
      'timed',
      '--name',
      'Timed',
      '--description',
      'd',
      '--expires',
      '30d',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const list = await run(['connector', 'list', 'thing', '--json']);
    expect(list.json()).toEqual([expect.objectContaining({ id: 'timed', expires: iso(clock + 30 * DAY) })]);
    const reissued = await run(['connector', 'reissue', 'thing', 'timed', '--expires', '1d', '--json']);
    expect(reissued.code).toBe(0);
    const { token } = reissued.json<{ id: string; token: string }>();
    expect(token).toMatch(/^contributor\./);
    const show = await run(['connector', 'show', 'thing', 'timed']);
    expect(show.stdout).toMatch(new RegExp(`Token expires\\s+${iso(clock + DAY).replace(/\./g, '\\.')}`));
    expect(show.stdout).toMatch(/Token last used\s+never/);
    const table = await run(['connector', 'list', '-o', 'wide']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ENTITY\s+ID\s+NAME\s+EXPIRES\s+LAST USED\s+DESCRIPTION/);
    expect((await run(['connector', 'reissue', 'thing', 'nope'])).code).toBe(3);
  });
});

describe('bbk backup', () => {
  const out = tempDir('bbk-backup-cli-');
  const file = join(out, 'bbk-backup.sqlite');
  const backup = (...args: string[]) => run(['backup', '--data-dir', server.dataDir, ...args], undefined);

  it('copies the database while the server serves and a contribution session writes (--json summary)', async () => {
    const created = await admin.connectors.create('thing', 'busy', { name: 'Busy', description: 'd' });
    await admin.connectors.promote('thing', 'busy');
    const contributor = new ContributorClient({ baseUrl: server.urls.contributor, token: created.token });
    const sid = await contributor.openSession(created.id, 'stream');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const batch = Array.from({ length: 20 }, (_, i) => ({
          id: `r${written * 20 + i}`,
          name: `Record ${written * 20 + i}`,
          entity: { text: 'y'.repeat(500) },
        }));
        await contributor.upsert(created.id, sid, batch);
        written++;
      }
    })();
    while (written < 20) await new Promise((r) => setTimeout(r, 20));
    const result = await backup('--to', file, '--json');
    writing = false;
    await writer;
    await contributor.closeSession(created.id, sid, true);
    await contributor.close();

    expect(result.code).toBe(0);
    const summary = result.json<Record<string, unknown>>();
    expect(summary).toMatchObject({ file, check: 'ok', dataDir: server.dataDir });
    expect(summary.bytes).toBe((summary.pages as number) * (summary.pageSize as number));
    expect(Object.keys(summary).sort()).toEqual(
      ['bytes', 'check', 'dataDir', 'durationMs', 'file', 'pageSize', 'pages', 'restarts'].sort(),
    );
    expect(readdirSync(out)).toEqual(['bbk-backup.sqlite']);

    const copy = new Database(file, { readonly: true, fileMustExist: true });
    let records: number;
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      records = (copy.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
      expect(records).toBeGreaterThanOrEqual(20 * 20);
      expect(records % 20).toBe(0); // whole calls only: each upsert is one transaction
    } finally {
      copy.close();
    }

    // restore: a second server on a copy of the backup answers with the same tokens and data
    const restoredDir = tempDir('bbk-restored-');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(file, join(restoredDir, 'bbk.sqlite'));
    const second = await startTestServer({ mode: 'production', now: () => clock }, restoredDir);
    const secondAdmin = new CoordinatorClient({ baseUrl: second.urls.coordinator, token: server.adminToken });
    try {
      expect((await secondAdmin.connectors.get('thing', 'busy')).is_live).toBe(true);
      expect((await secondAdmin.users.list()).map((u) => u.name)).toContain('Dana');
    } finally {
      await secondAdmin.close();
      await second.close();
    }
  });

  it('exits 5 on an existing file, replaces it with --force, 3 without a database, 2 without --to', async () => {
    const again = await backup('--to', file);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain('exists');
    const forced = await backup('--to', file, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Backed up');
    const empty = tempDir('bbk-no-db-');
    const none = await run(['backup', '--data-dir', empty, '--to', join(out, 'x.sqlite')], undefined);
    expect(none.code).toBe(3);
    expect(existsSync(join(empty, 'bbk.sqlite'))).toBe(false);
    expect((await run(['backup', '--data-dir', server.dataDir], undefined)).code).toBe(2);
    expect((await backup('--to', join(out, 'missing', 'x.sqlite'))).code).toBe(2);
    // a directory is a bad path, --force or not: never renamed over
    for (const force of [[], ['--force']]) {
      const dir = await backup('--to', out, ...force);
      expect(dir.code).toBe(2);
      expect(dir.stderr).toContain('is a directory');
    }
  });
});
