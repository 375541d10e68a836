#!/usr/bin/env node
// Runs every benchmark in turn (after `pnpm build`); extra arguments go to each script.
// Figures are printed, never asserted: see bench/README.md.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = ['contribution.mjs', 'consumer.mjs'];
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  const res = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (res.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
