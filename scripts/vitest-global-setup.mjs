// vitest globalSetup: the web console's files must be built (and current) before any test serves them, also when
// vitest is run directly rather than through `pnpm test` (which builds first). A no-op when they are up to date.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup() {
  const script = fileURLToPath(new URL('build-console.mjs', import.meta.url));
  const res = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('the console build failed (scripts/build-console.mjs)');
}
