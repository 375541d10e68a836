import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations
import { LongestFirst } from './scripts/test-order.mjs';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Every test file. */
const ALL = [
  'packages/*/src/**/*.test.{ts,tsx}',
  'packages/*/tests/**/*.test.{ts,tsx}',
  'examples/*/src/**/*.test.ts',
  'examples/*/tests/**/*.test.ts',
  'tests/**/*.test.ts',
];
/**
 * The test files of pure code (no server, thread, child process or timer; an in-memory SQLite database at
 * most): the `unit` project. The schema compiler's tests start its thread, the SDK client and session tests a
 * server.
 */
const UNIT = [
  'packages/server/src/{query,policy,geo,audit,activity,auth}/**/*.test.ts',
  'packages/server/src/validation/!(schema-compiler|entity-schema).test.ts',
  'packages/sdk/src/**/!(session|client).test.ts',
];

// Tests run against the TypeScript sources; the built dist/ is only used by
// tests that spawn the `bbk` CLI as a real process.
const alias = [
  { find: /^@bbk\/sdk\/browser$/, replacement: src('./packages/sdk/src/browser.ts') },
  { find: /^@bbk\/sdk\/protocol$/, replacement: src('./packages/sdk/src/protocol/index.ts') },
  { find: /^@bbk\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
  { find: /^@bbk\/server$/, replacement: src('./packages/server/src/index.ts') },
  { find: /^@bbk\/connector-kit$/, replacement: src('./packages/connector-kit/src/index.ts') },
  { find: /^@bbk\/connector-kit\/testing$/, replacement: src('./packages/connector-kit/src/testing/index.ts') },
  { find: /^@bbk\/example-([a-z-]+)$/, replacement: src('./examples/$1/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // unit: pure functions (query, policy, geo, validation, …, the SDK) in one worker thread that imports the
    // server's sources once for all of them (importing them again for every file, in a fresh process each, was
    // most of these files' cost); integration: everything else, in two forked processes that each run file after
    // file (servers, threads, child processes, browsers). Vitest runs the two pools side by side. Tests of either kind
    // are written the same way.
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: UNIT, pool: 'threads', testTimeout: 30_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // each fork imports the sources once for all the files it runs (in a fresh clone's test run, importing
          // them again for every file cost 30 s of its 310 s); every file still starts and stops its own servers,
          // and no test changes module state it does not restore (process.env, mocks)
          isolate: false,
          include: ALL,
          exclude: [...configDefaults.exclude, ...UNIT],
          // builds the web console when its files are missing or stale (browser and static-serving tests load
          // them); records every server answer and checks it against the OpenAPI documents at the end (here, not
          // in the configuration both projects see: vitest would run it once more for it)
          globalSetup: ['scripts/vitest-global-setup.mjs', 'packages/server/tests/openapi/global-setup.ts'],
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one fork less than the cores: a single fork on these 2-core machines.
    // Most test files wait on processes, sockets, browsers and timers more than they compute, so two run
    // side by side (BBK_TEST_FORKS overrides). Three were faster with warm caches (a whole run 261 and 247 s
    // against 307 and 290 s with two, alternating), but slower from a fresh clone, where each fork imports and
    // transforms the sources itself (vitest 355 s against 313 s, alternating; 381 s against 363 s before).
    // (the unit project's pool: one thread, not isolated, see above)
    poolOptions: {
      forks: { maxForks: Number(process.env.BBK_TEST_FORKS ?? 2), minForks: 1 },
      threads: { isolate: false, maxThreads: 1, minThreads: 1 },
    },
    // longest files first (from the last run's timings, or scripts/test-durations.json in a fresh clone), so the
    // forks end together
    sequence: { sequencer: LongestFirst },
    reporters: ['default'],
  },
});
