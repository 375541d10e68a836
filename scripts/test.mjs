#!/usr/bin/env node
// Builds the workspace, type-checks the tests, runs every vitest test, and ends with the
// totals alone on a line: "N passed, M failed" (what CI reads). Extra args go to vitest.
// The end-of-run OpenAPI check (packages/server/tests/openapi/global-setup.ts: every answer the
// servers gave during the run, validated against the OpenAPI documents) counts as one test.
// With BBK_TEST_DATABASE_URL set, a second pass runs the HTTP-level server tests on PostgreSQL
// (scripts/test-postgres-pass.mjs); its tests and its own OpenAPI check count in the same totals.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPostgresPass } from './test-postgres-pass.mjs';
import { runVitestPass } from './vitest-pass.mjs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });

const tsc = run(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json']);
// the bundled `bbk` executable (esbuild), which the CLI tests spawn as users run it
const build = tsc.status === 0 ? run(process.execPath, ['scripts/build-cli.mjs']) : tsc;
// the web console's static files (vite), which the server serves and the browser tests load
const consoleBuild = build.status === 0 ? run(process.execPath, ['scripts/build-console.mjs']) : build;
if (build.status !== 0 || consoleBuild.status !== 0) {
  console.log('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// the tests are type-checked too (tsconfig.test.json), against the sources, without emitting;
// alongside the test run, which does not need it (it prints nothing unless there is an error)
// (the console's browser sources have their own configuration: DOM, preact JSX)
const typecheckOne = (project) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
    child.once('exit', (code) => resolve(code));
  });
const typechecked = typecheckOne('tsconfig.test.json').then(async (code) =>
  code === 0 ? typecheckOne('packages/console/tsconfig.json') : code,
);

// real parts some tests need: without them those tests are skipped, and this says so once
if (!process.env.BBK_TEST_DATABASE_URL)
  console.log(
    'PostgreSQL tests skipped: set BBK_TEST_DATABASE_URL=postgres://user:pass@host:port/db to run them (scripts/ci-postgres.sh starts one on Debian as root)',
  );
else if (spawnSync('haproxy', ['-v']).status !== 0)
  console.log(
    'Deploy demo test skipped: haproxy is not installed (Debian: apt-get install haproxy; .ci/run installs it as root)',
  );

if (!canMountTmpfs())
  console.log(
    'Disk-full test skipped: it mounts a 3 MB tmpfs, so it runs only as root where mounting is allowed (.ci/run runs as root)',
  );

const dir = mkdtempSync(join(tmpdir(), 'bbk-vitest-'));
const first = runVitestPass(run, dir, 'main', process.argv.slice(2));
let { passed, failed } = first;
// with a PostgreSQL database: the HTTP-level server tests once more, on it (scripts/test-postgres-pass.mjs)
const pgPass = process.env.BBK_TEST_DATABASE_URL ? runPostgresPass(run, dir, process.argv.slice(2)) : undefined;
if (pgPass) {
  passed += pgPass.passed;
  failed += pgPass.failed;
}
rmSync(dir, { recursive: true, force: true });
if ((await typechecked) !== 0) {
  console.log('type errors in the tests or the console (tsc -p tsconfig.test.json, packages/console/tsconfig.json)');
  failed += 1;
}
if ((first.status !== 0 || (pgPass?.status ?? 0) !== 0) && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && first.status === 0 && (pgPass?.status ?? 0) === 0 ? 0 : 1);

/** Whether this process may mount a tmpfs (the disk-full test's own probe, packages/server/tests/disk-full.test.ts). */
function canMountTmpfs() {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'bbk-mount-probe-'));
  try {
    return (
      spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0 &&
      spawnSync('umount', [probe]).status === 0
    );
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
