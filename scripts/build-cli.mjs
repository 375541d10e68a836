#!/usr/bin/env node
// Bundles the built `bbk` CLI (packages/cli/dist/cli.js, from `tsc -b`) with esbuild into packages/cli/dist/bundle/,
// the files that the package's `bin` runs. Unbundled, every command spent most of its start-up loading modules one
// by one (ink, React and its reconciler alone: hundreds of files, the CommonJS ones through the ES module loader).
// The bundle is ES modules split into chunks: the entry (cli.js) is tiny, and ink/React/the views, the prompts,
// YAML and Ajv stay in chunks that load only when a command needs them. The @bbk/* workspace packages stay external
// (one copy of the SDK's error classes; the server's worker-thread files keep their paths), and so do Node's own
// modules. Writes dist/bundle/meta.json (esbuild's metafile: which inputs each chunk holds).
// Builds only when the bundle is missing or older than the CLI's dist/ (or this script, or the lockfile);
// `--force` builds anyway. Run by `pnpm build`, `pnpm test`, `pnpm bbk` and the tests' global setup, after tsc.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages', 'cli');
const dist = join(pkg, 'dist');
const outdir = join(dist, 'bundle');
const entry = join(dist, 'cli.js');
const metafile = join(outdir, 'meta.json');

/** Newest modification time (ms) under `path`, leaving out `skip`. */
function newest(path, skip) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let n = 0;
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    if (child !== skip) n = Math.max(n, newest(child, skip));
  }
  return n;
}

if (!existsSync(entry)) {
  console.error(
    `build-cli: ${relative(root, entry)} is missing: run tsc first (node node_modules/typescript/bin/tsc -b tsconfig.build.json)`,
  );
  process.exit(1);
}
const built = newest(metafile);
const inputs = Math.max(
  newest(dist, outdir),
  newest(join(pkg, 'package.json')),
  newest(join(root, 'pnpm-lock.yaml')),
  newest(fileURLToPath(import.meta.url)),
);
if (!process.argv.includes('--force') && built > 0 && built >= inputs) process.exit(0);

const { build } = await import('esbuild');
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // chunks beside the entry: lib/version.ts finds ../../package.json from its chunk as it does from dist/lib/
  chunkNames: '[name]-[hash]',
  external: [
    '@bbk/*',
    // ink imports it only when DEV=true, and says how to install it when it is missing (as unbundled)
    'react-devtools-core',
  ],
  // production React and ink, as `NODE_ENV` would select at run time for users (a test run sets NODE_ENV=test)
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS packages in the bundle `require` Node's modules; an ES module has no `require` of its own
  banner: {
    js: "import { createRequire as __bbkCreateRequire } from 'node:module'; const require = __bbkCreateRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
// A dynamic `import()` of a CommonJS module gets only its default export in the bundle (Node, unbundled, also finds
// its named exports), so `const { parse } = await import('yaml')` would fail at run time: refuse such a bundle.
const { inputs: sources, outputs } = result.metafile;
const cjsSplits = Object.values(outputs)
  .map((output) => output.entryPoint)
  .filter((input) => input !== undefined && sources[input]?.format === 'cjs');
if (cjsSplits.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  console.error(
    `build-cli: a dynamic import() of CommonJS gets only its default export when bundled: ${cjsSplits.join(', ')}\n` +
      'import it statically in a module of the CLI (as lib/yaml.ts does) and import() that module instead',
  );
  process.exit(1);
}
writeFileSync(metafile, JSON.stringify(result.metafile));
