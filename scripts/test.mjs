#!/usr/bin/env node
// Builds the workspace, type-checks the tests, runs every vitest test, and ends with the
// totals alone on a line: "N passed, M failed" (what CI reads). Extra args go to vitest.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });

const build = run(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json']);
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

const dir = mkdtempSync(join(tmpdir(), 'bbk-vitest-'));
const out = join(dir, 'results.json');
const res = run(process.execPath, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed =
    (r.numFailedTests ?? 0) +
    (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
} catch {
  failed = Math.max(1, failed);
}
rmSync(dir, { recursive: true, force: true });
if ((await typechecked) !== 0) {
  console.log('type errors in the tests or the console (tsc -p tsconfig.test.json, packages/console/tsconfig.json)');
  failed += 1;
}
if (res.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && res.status === 0 ? 0 : 1);
