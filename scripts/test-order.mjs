// The order vitest starts test files in: longest first, so that the forks finish together instead of one
// slow file (the connector scaffolds' npm installs, the CLI files) starting last and running alone at the end.
// Vitest's own order does this from its results cache (node_modules/.vite/vitest), which a fresh clone does not
// have: it then starts the largest files first, whatever they cost. This takes each file's duration from that
// cache when there is one, else from scripts/test-durations.json (committed, seconds per file of one run: only
// their order matters), else guesses it from the file's size. `node scripts/test-order.mjs` rewrites test-durations.json from the cache of the last run.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer } from 'vitest/node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committedFile = join(root, 'scripts', 'test-durations.json');

/** Seconds per test file (repository-relative path), as last written by `node scripts/test-order.mjs`. */
function committed() {
  try {
    return JSON.parse(readFileSync(committedFile, 'utf8'));
  } catch {
    return {};
  }
}

/** A file nobody has timed: about a second per 4 kB of test source (the median file's ratio). */
const guess = (path) => {
  try {
    return statSync(path).size / 4000;
  } catch {
    return 0;
  }
};

export class LongestFirst extends BaseSequencer {
  async sort(files) {
    const cache = this.ctx.cache;
    const known = committed();
    const seconds = (spec) => {
      const path = relative(this.ctx.config.root, spec.moduleId);
      const cached = cache.getFileTestResults(`${spec.project.name}:${path}`);
      if (cached?.failed) return Number.POSITIVE_INFINITY; // what failed last runs first, as vitest does
      if (cached && cached.duration > 0) return cached.duration / 1000;
      return known[path] ?? guess(spec.moduleId);
    };
    const cost = new Map(files.map((spec) => [spec, seconds(spec)]));
    return [...files].sort((a, b) => cost.get(b) - cost.get(a));
  }
}

/** The results cache of vitest's last run in this checkout (node_modules/.vite/vitest/<hash>/results.json). */
function lastRun() {
  const dir = join(root, 'node_modules', '.vite', 'vitest');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('results.json'));
  const newest = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest ? JSON.parse(readFileSync(newest, 'utf8')).results : null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = lastRun();
  if (!results) {
    console.error('no vitest results cache: run the tests first (pnpm test)');
    process.exit(1);
  }
  const durations = { ...committed() };
  for (const [key, { duration }] of results) {
    const path = key.slice(key.indexOf(':') + 1);
    if (duration > 0 && existsSync(join(root, path))) durations[path] = Math.round(duration / 100) / 10;
  }
  const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(committedFile, `${JSON.stringify(sorted, null, 2)}\n`);
  console.log(`${Object.keys(sorted).length} files in ${relative(process.cwd(), committedFile)}`);
}
