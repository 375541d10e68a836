// Helpers shared by the benchmarks: the example records, the server under test in a child
// process, and what /proc says about that process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/**
 * The example countries without their connector-private `_` keys, or undefined when the
 * data file is missing. `BBK_BENCH_DATA=<file>` reads another file.
 */
export function exampleCountries() {
  const file = process.env.BBK_BENCH_DATA ?? new URL('../examples/countries/data/country.json', import.meta.url);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_'))),
  );
}

/** The built server package (`pnpm build`), which the benchmarks measure. */
export const serverDist = new URL('../packages/server/dist/', import.meta.url);

/**
 * The built server a server child runs: `BBK_BENCH_SERVER_DIST` (a `packages/server/dist/` directory of
 * another checkout, set by `startServerChild`'s `dist` option) or this checkout's.
 */
const childDist = () =>
  process.env.BBK_BENCH_SERVER_DIST ? pathToFileURL(`${process.env.BBK_BENCH_SERVER_DIST}/`) : serverDist;

/**
 * A benchmark script's entry. Run as `script --server <dir>` (by `startServerChild`), it is the
 * server under test: the built server on that data directory, printing its URLs on one line and
 * stopping when stdin ends. Otherwise it runs the benchmark, `main`.
 */
export async function benchEntry(main) {
  if (process.argv[2] !== '--server') return main();
  const { startServer } = await import(new URL('index.js', childDist()).href);
  // only the observability settings pass through, to measure their cost (bench/README.md)
  const env = Object.fromEntries(
    ['BBK_LOG_LEVEL', 'BBK_LOG_FILE', 'BBK_METRICS_PORT'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  const server = await startServer(
    { mode: 'development', dataDir: process.argv[3], coordinatorPort: 0, contributorPort: 0, consumerPort: 0 },
    env,
  );
  process.stdout.write(`${JSON.stringify(server.urls)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close().then(() => process.exit(0)));
}

/**
 * Runs `script --server <dir>` in a child process and resolves with the URLs it prints on its
 * first line. Node options for the child: `BBK_BENCH_NODE_ARGS` (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof"), or `BBK_BENCH_PROFILE=<dir>` as a shortcut for a CPU profile.
 * `options.dist`: the `packages/server/dist/` directory to run (default: this checkout's build).
 */
export async function startServerChild(script, dir, options = {}) {
  const nodeArgs = (process.env.BBK_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (process.env.BBK_BENCH_PROFILE) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${process.env.BBK_BENCH_PROFILE}`);
  const child = spawn(process.execPath, [...nodeArgs, new URL(script).pathname, '--server', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: options.dist ? { ...process.env, BBK_BENCH_SERVER_DIST: options.dist } : process.env,
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, urls: JSON.parse(line) };
}

/** CPU seconds (user + system) a Linux process has used so far. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

/** A memory figure of a Linux process from /proc/<pid>/status (`VmRSS`, `VmHWM` = peak RSS), in MB. */
export function memMb(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

// ---- generated catalogs (the consumer and catalog-query benchmarks) --------------------------

/** A tiny deterministic PRNG (mulberry32), so every run generates the same catalog. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const clamp = (v, m) => Math.max(-m, Math.min(m, v));

/** Record `i`: a country template with unique id, name, code, capital; location jittered ±2°. */
export function countryRecord(base, i, random) {
  const t = base[i % base.length];
  const e = t.entity;
  const [x, y] = e.location?.coordinates ?? [0, 0];
  return {
    id: `${t.id}-${i}`,
    name: `${t.name} ${i}`,
    entity: {
      ...e,
      code: `${e.code}-${i}`,
      capital: `${e.capital} ${i}`,
      area: (e.area ?? 1) + (i % 1000),
      population: (e.population ?? 1) + i,
      location: {
        type: 'Point',
        coordinates: [clamp(x + (random() - 0.5) * 4, 180), clamp(y + (random() - 0.5) * 4, 89.9)],
      },
    },
    ...(t.instance ? { instance: { ...t.instance, serial: i } } : {}),
  };
}
