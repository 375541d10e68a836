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
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * ink connects to React DevTools when DEV=true (a name that shells may set for other reasons), and then reads its
 * own package.json next to its files, which the bundle does not have: every human output would fail. Bundled, ink's
 * `isDev()` is false (the unbundled dist/cli.js keeps the DevTools connection).
 */
let inkUtilsReplaced = false;
const inkNotDev = {
  name: 'ink-not-dev',
  setup(build) {
    build.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, () => {
      inkUtilsReplaced = true;
      return { contents: 'export const isDev = () => false;', loader: 'js' };
    });
  },
};

/**
 * yoga-layout (ink's layout engine) is WebAssembly embedded as a base64 `data:` URL, which its Emscripten loader
 * fetches with the global `fetch` whenever there is one: on Node that loads Node's own undici (about 50 ms of CPU,
 * a fifth of a table command) to decode a string it can decode itself. Bundled, it always takes its synchronous
 * path (the one it takes where `fetch` is missing).
 */
let yogaFetches = 0;
const yogaNoFetch = {
  name: 'yoga-no-fetch',
  setup(build) {
    build.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const contents = text.replaceAll('"function"!=typeof fetch', 'true');
      yogaFetches = (text.length - contents.length) / ('"function"!=typeof fetch'.length - 'true'.length);
      return { contents, loader: 'js' };
    });
  },
};

const { build } = await import('esbuild');
// in place: a `bbk` that runs now keeps the chunks it has yet to import (unchanged chunks keep their names)
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
  // (ink's React DevTools module imports react-devtools-core, not installed; it never runs: see `inkNotDev`)
  external: ['@bbk/*', 'react-devtools-core'],
  // production React, whatever the environment says (a test run sets NODE_ENV=test)
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [inkNotDev, yogaNoFetch],
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
if (yogaFetches !== 2) {
  rmSync(outdir, { recursive: true, force: true });
  console.error(
    `build-cli: yoga-layout's loader had ${yogaFetches} fetch tests, not 2: update yogaNoFetch in this script`,
  );
  process.exit(1);
}
if (!inkUtilsReplaced) {
  rmSync(outdir, { recursive: true, force: true });
  console.error("build-cli: ink's build/utils.js (isDev) was not in the bundle: update inkNotDev in this script");
  process.exit(1);
}
// the chunks of earlier builds that this one did not write
const written = new Set(Object.keys(outputs).map((out) => join(root, out)));
for (const name of readdirSync(outdir)) {
  const path = join(outdir, name);
  if (name !== 'meta.json' && !written.has(path)) rmSync(path, { force: true });
}
writeFileSync(metafile, JSON.stringify(result.metafile));
