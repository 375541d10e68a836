// The second vitest pass of scripts/test.mjs: the HTTP-level server tests again, on PostgreSQL
// (BBK_TEST_ENGINE=postgres: every server packages/server/tests/harness.ts starts gets a fresh schema of
// BBK_TEST_DATABASE_URL). Runs only when that URL is set; the first pass has run the PostgreSQL store tests.
// Every packages/server/tests file runs, but for those named in SKIPPED, each with why.
import { readdirSync } from 'node:fs';
import { runVitestPass } from './vitest-pass.mjs';

const TESTS = 'packages/server/tests';

/** Files of the server's tests the PostgreSQL pass leaves out, and why. */
export const SKIPPED = {
  'architecture.test.ts': 'reads the sources, starts no server',
  'fuzz-checks.test.ts': "unit tests of the fuzzer's own checks, no server",
  'backup.test.ts': 'bbk backup copies the SQLite file (pg_dump on PostgreSQL): skipped there by name',
  'contributor-crash.test.ts':
    "a SQLite file killed and reopened (PostgreSQL's crash safety is its own): skipped there by name",
};

/** The test files of the pass, narrowed by the file filters given to scripts/test.mjs (if any). */
export function postgresPassFiles(args) {
  const filters = args.filter((a) => !a.startsWith('-'));
  return readdirSync(TESTS, { recursive: true })
    .map((f) => String(f).split('\\').join('/'))
    .filter((f) => f.endsWith('.test.ts') && !(f in SKIPPED))
    .map((f) => `${TESTS}/${f}`)
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
}

/**
 * Runs the pass (`run` is scripts/test.mjs's spawnSync wrapper) and counts it as test.mjs counts the first:
 * vitest's JSON report, files that failed without a test result, and the OpenAPI end-of-run check as one test.
 */
export function runPostgresPass(run, dir, args) {
  const files = postgresPassFiles(args);
  if (files.length === 0) {
    console.log('PostgreSQL pass: no HTTP-level server test among the files asked for');
    return { passed: 0, failed: 0, status: 0 };
  }
  const started = Date.now();
  console.log(`\nPostgreSQL pass: ${files.length} HTTP-level server test files with BBK_TEST_ENGINE=postgres`);
  process.env.BBK_TEST_ENGINE = 'postgres';
  const options = args.filter((a) => a.startsWith('-'));
  const { passed, failed, status } = runVitestPass(run, dir, 'postgres', [...options, ...files]);
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`PostgreSQL pass: ${passed} passed, ${failed} failed in ${minutes} min`);
  return { passed, failed, status };
}
