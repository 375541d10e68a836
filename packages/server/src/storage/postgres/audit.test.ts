// The PostgreSQL audit log's own guarantees: append-only by trigger; a chain broken behind bbk's back is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL audit log', () => {
  let store: PostgresStore;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    store = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 2 });
    await store.audit.append([1, 2, 3].map((n) => ({ actor: 'system', action: 'x', target: `t:${n}`, detail: { n } })));
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    for (const sql of [
      "UPDATE audit SET actor = 'evil' WHERE seq = 2",
      'DELETE FROM audit WHERE seq = 3',
      'TRUNCATE audit',
    ])
      await expect(store.db.query(sql)).rejects.toThrow('the audit log is append-only');
    expect(await store.audit.verify()).toMatchObject({ intact: true });
  });

  it('an entry inserted after the recorded head is named, and the next append refused without writing', async () => {
    await store.db.query(
      "INSERT INTO audit (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (4, '2026-12-05T09:00:00.000Z', 'system', 'x', 't:4', '{}', '00', '00')",
    );
    expect(await store.audit.verify()).toEqual({
      intact: false,
      entries: 3,
      broken: { seq: 4, reason: 'head mismatch' },
    });
    await expect(store.audit.append({ actor: 'system', action: 'x', target: 't:5', detail: {} })).rejects.toThrow(
      'the audit log holds an entry 4 its recorded head does not vouch for',
    );
    expect((await store.db.query('SELECT count(*)::int AS n FROM audit')).rows[0]?.n).toBe(4);
    await store.db.query('ALTER TABLE audit DISABLE TRIGGER audit_no_update');
    await store.db.query('DELETE FROM audit WHERE seq = 4');
    await store.db.query('ALTER TABLE audit ENABLE TRIGGER audit_no_update');
    expect(await store.audit.verify()).toMatchObject({ intact: true, entries: 3 });
  });

  it('with the trigger dropped by someone else, the changed entry is named', async () => {
    await store.db.query('ALTER TABLE audit DISABLE TRIGGER audit_no_update');
    await store.db.query(`UPDATE audit SET detail = '{"n":20}' WHERE seq = 2`);
    expect(await store.audit.verify()).toMatchObject({ intact: false, broken: { seq: 2, reason: 'hash mismatch' } });
  });
});
