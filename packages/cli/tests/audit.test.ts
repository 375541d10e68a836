// `bbk audit tail|verify` as real processes against a real server, and a database edited behind the
// running server's back: verify exits 8 naming the first broken entry (docs/AUDIT.md).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type AuditEntry, CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/tests/harness.js';
import { cleanup, type Run, serverAndCli, spawnBbk, urlFlags } from './helpers.js';

// better-sqlite3 is the server's dependency: the test opens the database file with it as an intruder would
const require = createRequire(import.meta.url);
type Db = import('better-sqlite3').Database;
const Database = require(require.resolve('better-sqlite3', { paths: [require.resolve('@bbk/server')] })) as new (
  file: string,
) => Db;

let server: TestServer;
let run: (args: string[], token?: string) => Promise<Run>;
let coord: CoordinatorClient;

beforeAll(async () => {
  ({ server, run } = await serverAndCli({ mode: 'production' }));
  coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  for (const name of ['ann', 'ben', 'cat', 'dov']) {
    await coord.users.create({ name, email: `${name}@example.com`, organization: 'Org' });
  }
});
afterAll(async () => {
  await coord.close();
  await server.destroy();
  cleanup();
});

/** Runs `sql` on the server's database file from outside the server, past the append-only triggers. */
function tamper(sql: (db: Db) => void): void {
  const db = new Database(join(server.dataDir, 'bbk.sqlite'));
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    sql(db);
  } finally {
    db.close();
  }
}

const row = (db: Db, seq: number) => db.prepare('SELECT * FROM audit WHERE seq = ?').get(seq) as AuditEntry;

describe('bbk audit tail', () => {
  it('prints the last n entries, oldest first, as JSON or a table', async () => {
    const json = await run(['audit', 'tail', '-n', '3', '--json']);
    expect(json.code).toBe(0);
    const entries = json.json<AuditEntry[]>();
    expect(entries.map((e) => [e.seq, e.action, e.target])).toEqual([
      [4, 'user.create', 'user:3'],
      [5, 'user.create', 'user:4'],
      [6, 'user.create', 'user:5'],
    ]);
    const human = await run(['audit', 'tail', '--actor', 'system']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/SEQ +AT +ACTOR +ACTION/);
    expect(human.stdout).toContain('token.issue');
    expect(human.stdout).not.toContain('user:2');
  });

  it('rejects a bad -n as a usage error and bad filters with the server items', async () => {
    expect((await run(['audit', 'tail', '-n', '0'])).code).toBe(2);
    const bad = await run(['audit', 'tail', '--since', 'yesterday', '--json']);
    expect(bad.code).toBe(6);
    expect(bad.errorJson().error.items).toEqual([
      { name: 'since', index: null, reason: 'is not valid ISO-8601 date format' },
    ]);
  });

  it('--follow prints new entries as they are appended', async () => {
    const tail = spawnBbk([
      'audit',
      'tail',
      '--follow',
      '--quiet',
      '-n',
      '1',
      ...urlFlags(server),
      '--token',
      server.adminToken,
    ]);
    try {
      await tail.waitFor(/^6\n/);
      await coord.users.create({ name: 'eve', email: 'eve@example.com', organization: 'Org' });
      await tail.waitFor(/^6\n7\n/);
    } finally {
      tail.kill('SIGINT');
      await tail.exited;
    }
  });

  it('--follow --json ends on SIGINT or SIGTERM with its array closed, exit 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const tail = spawnBbk([
        'audit',
        'tail',
        '--follow',
        '--json',
        '-n',
        '2',
        ...urlFlags(server),
        '--token',
        server.adminToken,
      ]);
      await tail.waitFor(/"seq"/);
      // past at least one poll, so the signal may land in a wait or in a request
      await new Promise((resolve) => setTimeout(resolve, 1200));
      tail.kill(signal);
      const { code, stdout } = await tail.exited;
      expect(code, signal).toBe(0);
      const printed = JSON.parse(stdout) as AuditEntry[];
      expect(printed.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('bbk audit verify', () => {
  it('exits 0 on an intact log, over the API and on the data directory', async () => {
    const api = await run(['audit', 'verify', '--json']);
    expect(api.code).toBe(0);
    expect(api.json()).toMatchObject({ intact: true, entries: 7 });
    const offline = await run(['audit', 'verify', '--data-dir', server.dataDir, '--json'], '');
    expect(offline.code).toBe(0);
    expect(offline.json()).toEqual(api.json());
    const human = await run(['audit', 'verify']);
    expect(human.stdout).toContain('Audit log intact: 7 entries');
  });

  it('exits 8 naming an entry whose detail was changed behind the server', async () => {
    let original = '';
    tamper((db) => {
      original = row(db, 3).detail as unknown as string;
      db.prepare('UPDATE audit SET detail = ? WHERE seq = 3').run('{"after":{"name":"mallory"}}');
    });
    const human = await run(['audit', 'verify']);
    expect(human.code).toBe(8);
    expect(human.stdout).toContain('Audit log broken at entry 3: hash mismatch');
    const json = await run(['audit', 'verify', '--json']);
    expect(json.code).toBe(8);
    expect(json.json()).toEqual({ intact: false, entries: 2, broken: { seq: 3, reason: 'hash mismatch' } });
    const offline = await run(['audit', 'verify', '--data-dir', server.dataDir, '--json'], '');
    expect(offline.code).toBe(8);
    expect(offline.json()).toEqual(json.json());
    tamper((db) => db.prepare('UPDATE audit SET detail = ? WHERE seq = 3').run(original));
    expect((await run(['audit', 'verify'])).code).toBe(0);
  });

  it('exits 8 naming a removed entry', async () => {
    let removed: AuditEntry | undefined;
    tamper((db) => {
      removed = row(db, 4);
      db.prepare('DELETE FROM audit WHERE seq = 4').run();
    });
    const res = await run(['audit', 'verify', '--json']);
    expect(res.code).toBe(8);
    expect(res.json()).toMatchObject({ intact: false, broken: { seq: 4, reason: 'gap in seq' } });
    tamper((db) =>
      db
        .prepare('INSERT INTO audit VALUES (@seq, @at, @actor, @action, @target, @detail, @prev_hash, @hash)')
        .run(removed),
    );
    expect((await run(['audit', 'verify'])).code).toBe(0);
  });

  it('exits 8 naming the first of two swapped entries', async () => {
    tamper((db) => {
      const [a, b] = [row(db, 5), row(db, 6)];
      const put = db.prepare(
        'UPDATE audit SET at = @at, actor = @actor, action = @action, target = @target, detail = @detail, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq',
      );
      put.run({ ...b, seq: 5 });
      put.run({ ...a, seq: 6 });
    });
    const res = await run(['audit', 'verify', '--json']);
    expect(res.code).toBe(8);
    expect(res.json()).toMatchObject({ intact: false, broken: { seq: 5, reason: 'prev link broken' } });
  });

  it('exits 8 when the newest entries were cut off, naming the first one missing', async () => {
    tamper((db) => db.prepare('DELETE FROM audit WHERE seq >= 5').run());
    const res = await run(['audit', 'verify', '--data-dir', server.dataDir, '--json'], '');
    expect(res.code).toBe(8);
    expect(res.json()).toEqual({ intact: false, entries: 4, broken: { seq: 5, reason: 'head mismatch' } });
  });
});

describe('an entry forged after the recorded head', () => {
  it('verify exits 8 naming it, and audited changes are refused (503) until the log is repaired', async () => {
    // a fresh server: the one above was cut on purpose
    const other = await serverAndCli({ mode: 'production' });
    const admin = new CoordinatorClient({ baseUrl: other.server.urls.coordinator, token: other.server.adminToken });
    try {
      await admin.users.create({ name: 'eve', email: 'eve@example.com', organization: 'Org' });
      const before = await other.run(['audit', 'verify', '--json']);
      const entries = before.json<{ entries: number }>().entries;
      const file = join(other.server.dataDir, 'bbk.sqlite');
      const db = new Database(file);
      try {
        db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
        db.prepare('INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          entries + 1,
          '2026-12-05T09:00:00.000Z',
          'system',
          'user.create',
          'user:1',
          '{}',
          '00',
          '00',
        );
      } finally {
        db.close();
      }
      const broken = { intact: false, entries, broken: { seq: entries + 1, reason: 'head mismatch' } };
      for (const args of [
        ['audit', 'verify', '--json'],
        ['audit', 'verify', '--data-dir', other.server.dataDir, '--json'],
      ]) {
        const res = await other.run(args, args.includes('--data-dir') ? '' : undefined);
        expect(res.code, args.join(' ')).toBe(8);
        expect(res.json()).toEqual(broken);
      }
      const refused = await fetch(`${other.server.urls.coordinator}/user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bbk-auth-token': other.server.adminToken },
        body: JSON.stringify({ name: 'fay', email: 'fay@example.com', organization: 'Org' }),
      });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
        `the audit log holds an entry ${entries + 1} its recorded head does not vouch for`,
      );
      // nothing of the refused change was written
      expect((await admin.users.list()).map((u) => u.email)).not.toContain('fay@example.com');
    } finally {
      await admin.close();
      await other.server.destroy();
    }
  });
});
