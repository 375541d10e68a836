// One vitest run as scripts/test.mjs counts it: vitest's JSON report (its passed and failed tests, plus
// files that failed without a test result, such as a failed import or hook), and the end-of-run OpenAPI
// check (packages/server/tests/openapi/global-setup.ts, written to BBK_OPENAPI_RESULT) as one test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs vitest with `args` (`run` is scripts/test.mjs's spawnSync wrapper); its reports go to `dir`, named by `name`.
 * @returns the counts and vitest's exit status
 */
export function runVitestPass(run, dir, name, args) {
  const out = join(dir, `results-${name}.json`);
  const openapiResult = join(dir, `openapi-${name}.json`);
  process.env.BBK_OPENAPI_RESULT = openapiResult;
  const res = run(process.execPath, [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...args,
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
    failed = 1;
  }
  try {
    const check = JSON.parse(readFileSync(openapiResult, 'utf8'));
    if (check.failures.length === 0) passed += 1;
    else failed += 1;
  } catch {
    // BBK_OPENAPI_RECORD=off, or vitest stopped before its teardown (counted above)
  }
  return { passed, failed, status: res.status };
}
