/**
 * The PostgreSQL server tests run against: `BBK_TEST_DATABASE_URL` (for example
 * `postgres://bbk:bbk@127.0.0.1:5432/postgres`). Unset, the PostgreSQL tests are skipped;
 * `scripts/test.mjs` says so in one line, and `.ci/run` starts a server and sets it.
 */
export const TEST_DATABASE_URL: string | undefined = process.env.BBK_TEST_DATABASE_URL || undefined;
