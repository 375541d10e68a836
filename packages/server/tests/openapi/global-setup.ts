// vitest globalSetup: every test run records the answers of every bbk server it starts (in this
// process tree) and checks them against the OpenAPI documents at the end (docs/API-REFERENCE.md).
//   BBK_OPENAPI_RECORD=<dir>   record there and keep the files (default: a temporary directory)
//   BBK_OPENAPI_RECORD=off     neither record nor check
//   BBK_OPENAPI_RESULT=<file>  also write {checked, failures} there (scripts/test.mjs counts it)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenApiChecker } from './check.js';

export function setup(): (() => void) | undefined {
  const given = process.env.BBK_OPENAPI_RECORD;
  if (given === 'off') return undefined;
  const dir = given || mkdtempSync(join(tmpdir(), 'bbk-openapi-'));
  process.env.BBK_OPENAPI_RECORD = dir; // the test forks and the servers they spawn inherit it
  return () => {
    const summary = new OpenApiChecker().checkDirectory(dir);
    const { checked, unrouted, skipped, failures } = summary;
    const result = process.env.BBK_OPENAPI_RESULT;
    if (result) writeFileSync(result, JSON.stringify({ checked, unrouted, skipped, failures }));
    console.log(
      `\nOpenAPI check: ${checked} answers of ${summary.seen.size} (operation, status) pairs and ${unrouted} unrouted errors ` +
        `validated against the documents, ${skipped} HEAD/OPTIONS skipped, ${failures.length} mismatches`,
    );
    if (failures.length) {
      console.log(failures.slice(0, 40).join('\n'));
      if (failures.length > 40) console.log(`… and ${failures.length - 40} more`);
      process.exitCode = 1;
    }
    if (!given) rmSync(dir, { recursive: true, force: true });
  };
}
