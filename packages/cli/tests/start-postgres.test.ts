// `bbk start --database` and `bbk token bootstrap --database`: the PostgreSQL engine from the command
// line (docs/POSTGRES.md). The start-up errors need no database; the rest runs with BBK_TEST_DATABASE_URL.
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../server/src/query/testing/postgres.js';
import { PostgresStore } from '../../server/src/storage/postgres/postgres-store.js';
import { createTestSchema } from '../../server/src/storage/postgres/testing/pg-schema.js';
import { bbk, cleanup, spawnBbk, tempDir } from './helpers.js';

const ports = ['--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'];
const drops: (() => Promise<void>)[] = [];

afterAll(async () => {
  cleanup();
  for (const d of drops) await d();
});

describe('bbk start --database', () => {
  it('refuses what is not a postgres:// URL (exit 2) and says when the database cannot be reached (exit 1)', async () => {
    const bad = await bbk(['start', '--database', 'mysql://x/y', ...ports]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/database must be a postgres:\/\/ URL/);
    const down = await bbk(['start', '--database', 'postgres://bbk:hunter2@127.0.0.1:9/bbk', ...ports]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot open the database: .*ECONNREFUSED/);
    expect(down.stderr).not.toMatch(/hunter2/);
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'a schema that does not exist: start and token bootstrap stop with exit 1 and say so',
    async () => {
      const env = { BBK_DATABASE_SCHEMA: `bbk_missing_${process.pid}` };
      const start = await bbk(['start', '--database', TEST_DATABASE_URL!, '--data-dir', tempDir(), ...ports], { env });
      expect(start.code).toBe(1);
      expect(start.stderr).toMatch(
        new RegExp(`cannot open the database: database schema "${env.BBK_DATABASE_SCHEMA}" does not exist`),
      );
      const token = await bbk(['token', 'bootstrap', '--database', TEST_DATABASE_URL!], { env });
      expect(token.code).toBe(2);
      expect(token.stderr).toMatch(/no bbk database in schema bbk_missing_\d+/);
    },
  );

  it.skipIf(!TEST_DATABASE_URL)(
    'token bootstrap on a schema bbk never started on: exit 2, and nothing is created there',
    async () => {
      const place = await createTestSchema(TEST_DATABASE_URL!);
      drops.push(place.drop);
      const env = { BBK_DATABASE_SCHEMA: place.schema };
      const token = await bbk(['token', 'bootstrap', '--database', TEST_DATABASE_URL!], { env });
      expect(token.code).toBe(2);
      expect(token.stderr).toContain(`no bbk database in schema ${place.schema}`);
      expect(await PostgresStore.exists({ url: TEST_DATABASE_URL!, schema: place.schema })).toBe(false);
    },
  );

  it.skipIf(!TEST_DATABASE_URL)(
    'audit verify --database: read-only, exit 0 intact, 8 naming a forged entry, 2 where bbk never started',
    async () => {
      const place = await createTestSchema(TEST_DATABASE_URL!);
      drops.push(place.drop);
      const env = { BBK_DATABASE_SCHEMA: place.schema };
      const verify = () => bbk(['audit', 'verify', '--database', TEST_DATABASE_URL!, '--json'], { env });
      expect((await verify()).code).toBe(2);
      const store = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 1 });
      try {
        await store.audit.append([1, 2].map((n) => ({ actor: 'system', action: 'x', target: `t:${n}`, detail: {} })));
        const intact = await verify();
        expect(intact.code).toBe(0);
        expect(intact.json()).toMatchObject({ intact: true, entries: 2 });
        await store.db.query(
          "INSERT INTO audit (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (3, '2026-12-05T09:00:00.000Z', 'system', 'x', 't:3', '{}', '00', '00')",
        );
        const broken = await verify();
        expect(broken.code).toBe(8);
        expect(broken.json()).toEqual({ intact: false, entries: 2, broken: { seq: 3, reason: 'head mismatch' } });
      } finally {
        await store.close();
      }
    },
  );

  it.skipIf(!TEST_DATABASE_URL)(
    'runs on PostgreSQL: bootstrap token once, token bootstrap on the database',
    async () => {
      const place = await createTestSchema(TEST_DATABASE_URL!);
      drops.push(place.drop);
      const env = { BBK_DATABASE_SCHEMA: place.schema };
      const args = ['start', '--database', TEST_DATABASE_URL!, '--data-dir', tempDir(), ...ports, '--json'];
      const first = spawnBbk(args, env);
      const ready = JSON.parse((await first.waitFor(/\n/)).split('\n')[0] ?? '') as {
        urls: { coordinator: string };
        bootstrapToken?: string;
      };
      expect(ready.bootstrapToken).toMatch(/^coordinator\./);
      const url = ['--coordinator-url', ready.urls.coordinator];
      const list = await bbk(['user', 'list', '--quiet', ...url, '--token', ready.bootstrapToken!]);
      expect(list.stdout).toBe('1\n');
      const issued = await bbk(['token', 'bootstrap', '--database', TEST_DATABASE_URL!, '--json'], { env });
      expect(issued.code).toBe(0);
      const { token } = issued.json<{ token: string }>();
      expect((await bbk(['user', 'list', ...url, '--token', ready.bootstrapToken!])).code).toBe(4);
      expect((await bbk(['user', 'list', '--quiet', ...url, '--token', token])).code).toBe(0);
      first.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);

      const second = spawnBbk(args, env);
      const again = JSON.parse((await second.waitFor(/\n/)).split('\n')[0] ?? '') as { bootstrapToken?: string };
      expect(again.bootstrapToken).toBeUndefined();
      second.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    },
  );
});
