// Test support: a fresh schema per store on the database BBK_TEST_DATABASE_URL names, so tests
// (and test servers) on one PostgreSQL never see each other. Not used at run time.
import pg from 'pg';

let schemas = 0;
let swept = false;

/** Whether a process of this machine is still running (schemas carry their creator's pid). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops the schemas that test processes which are gone left behind (killed or timed-out runs). */
async function sweep(client: pg.Client): Promise<void> {
  const left = await client.query<{ name: string }>(
    "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'bbk\\_t\\_%'",
  );
  for (const { name } of left.rows) {
    const pid = Number(name.split('_')[2]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    // another test process may be sweeping the same schema: its drop wins, this one's error is harmless
    await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`).catch(() => {});
  }
}

/** A new, empty schema; `drop()` removes it with everything in it. */
export async function createTestSchema(url: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `bbk_t_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!swept) {
      swept = true;
      await sweep(client);
    }
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
