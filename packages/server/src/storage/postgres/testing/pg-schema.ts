// Test support: a fresh schema per store on the database BBK_TEST_DATABASE_URL names, so tests
// (and test servers) on one PostgreSQL never see each other. Not used at run time.
import pg from 'pg';

let schemas = 0;

/** A new, empty schema; `drop()` removes it with everything in it. */
export async function createTestSchema(url: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `bbk_t_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
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
