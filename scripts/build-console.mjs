#!/usr/bin/env node
// Builds the web console (packages/console, `vite build`) when its output is missing or older than its
// sources (or the SDK's, which it bundles). Run by `pnpm build`, `pnpm test` and `pnpm bbk` after the
// TypeScript build; `--force` builds anyway. Prints the built sizes when it builds.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages', 'console');

function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let n = 0;
  for (const entry of readdirSync(path)) if (entry !== 'node_modules') n = Math.max(n, newest(join(path, entry)));
  return n;
}

const built = newest(join(pkg, 'dist', 'index.html'));
const inputs = Math.max(
  newest(join(pkg, 'src')),
  newest(join(pkg, 'index.html')),
  newest(join(pkg, 'vite.config.ts')),
  newest(join(pkg, 'package.json')),
  newest(join(root, 'packages', 'sdk', 'dist')),
);
if (process.argv.includes('--force') || built === 0 || inputs > built) {
  const vite = join(pkg, 'node_modules', 'vite', 'bin', 'vite.js');
  // a production build even when called from a test run (vitest sets NODE_ENV=test)
  const env = { ...process.env, NODE_ENV: 'production' };
  const res = spawnSync(process.execPath, [vite, 'build'], { cwd: pkg, stdio: 'inherit', env });
  if (res.status !== 0) {
    console.error('console build failed (packages/console: vite build)');
    process.exit(res.status ?? 1);
  }
}
