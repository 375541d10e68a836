// vitest globalSetup: the bundled CLI and the web console's files must be built (and current) before any test spawns
// or serves them, also when vitest is run directly rather than through `pnpm test` (which builds first), e.g. after
// `tsc -b tsconfig.build.json` alone. Each script is a no-op when its output is up to date. Without the TypeScript
// build there is nothing to bundle: the CLI tests then say to build first (packages/cli/tests/helpers.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function build(name) {
  const script = fileURLToPath(new URL(name, import.meta.url));
  const res = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`the build failed (scripts/${name})`);
}

export default function setup() {
  if (existsSync(fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url)))) build('build-cli.mjs');
  build('build-console.mjs');
}
