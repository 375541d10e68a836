import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';
import { baseEnv, bbk, CLI, cleanup, tempDir, urlFlags } from './helpers.js';

/**
 * Start-up: which modules a command loads (a figure that does not depend on the machine's load, unlike its
 * time; docs/CLI.md has the times). `--help` and `--json` commands must not load ink, React's renderer,
 * the prompts, YAML, Ajv, or undici's index (only its Agent and request); human output does load ink.
 * The CLI runs bundled (scripts/build-cli.mjs): a chunk of the bundle stands for the modules esbuild put in it
 * (its metafile, dist/bundle/meta.json), so these tests see the same module paths as an unbundled run would.
 */

const TRACE = fileURLToPath(new URL('./fixtures/trace-modules.cjs', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ mode: 'development' });
});

afterAll(async () => {
  await server.destroy();
  cleanup();
});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUNDLE = dirname(CLI);

/** What each file of the bundle holds: absolute chunk path -> absolute paths of the modules bundled into it. */
function bundleInputs(): Map<string, string[]> {
  const meta = JSON.parse(readFileSync(join(BUNDLE, 'meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return new Map(
    Object.entries(meta.outputs).map(([out, { inputs }]) => [
      resolve(ROOT, out),
      Object.keys(inputs).map((input) => resolve(ROOT, input)),
    ]),
  );
}

interface Loaded {
  code: number | null;
  /** The files the process loaded, as Node saw them (chunks of the bundle, externals, CommonJS files). */
  files: string[];
  /** The same, with each chunk of the bundle replaced by the modules in it. */
  modules: string[];
}

/** Runs the CLI with the module trace; returns the loaded files, and the modules they hold. */
function modulesOf(args: string[]): Promise<Loaded> {
  const file = join(tempDir('bbk-trace-'), 'modules.txt');
  const chunks = bundleInputs();
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--require', TRACE, CLI, ...args], {
      env: baseEnv({ BBK_TRACE_FILE: file }),
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      const files = [...new Set(lines.map((l) => (l.startsWith('file:') ? fileURLToPath(l) : l)))];
      done({ code, files, modules: [...new Set(files.flatMap((f) => chunks.get(f) ?? [f]))] });
    });
  });
}

const HEAVY = [
  /\/ink\//,
  /\/react-reconciler\//,
  /\/@inquirer\//,
  /\/yaml\//,
  /\/ajv\//,
  /\/undici\/index\.js$/,
  /\/yoga-layout\//,
];
const heavy = (modules: string[]) => modules.filter((m) => HEAVY.some((pattern) => pattern.test(m)));

/** Files loaded from outside the bundle that belong in it: the CLI's own unbundled build, or what the bundle holds. */
const CLI_DIST = join(dirname(BUNDLE), '/');
const BUNDLED = /\/node_modules\/(ink|react|react-reconciler|scheduler|commander|@inquirer\/[^/]+|yaml|ajv)\//;
const outsideBundle = (files: string[]) =>
  files.filter((f) => !f.startsWith(join(BUNDLE, '/')) && (f.startsWith(CLI_DIST) || BUNDLED.test(f)));

describe('what a command loads', () => {
  it('bbk --help: commander and the command table, nothing heavy, no command module, no undici', async () => {
    const { code, files, modules } = await modulesOf(['--help']);
    expect(code).toBe(0);
    expect(files).toContain(CLI);
    expect(outsideBundle(files)).toEqual([]);
    expect(modules.some((m) => m.includes('/commander/'))).toBe(true);
    expect(heavy(modules)).toEqual([]);
    expect(modules.filter((m) => /\/undici\//.test(m))).toEqual([]);
    expect(modules.filter((m) => /\/commands\/[^/]+\/index\.js$/.test(m))).toEqual([]);
  });

  it('a --json command against a server: its own module and undici Agent + request only', async () => {
    const { code, files, modules } = await modulesOf(['user', 'list', '--json', ...urlFlags(server)]);
    expect(code).toBe(0);
    expect(outsideBundle(files)).toEqual([]);
    expect(heavy(modules)).toEqual([]);
    expect(modules.some((m) => m.endsWith('/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(
      modules.filter((m) => /\/commands\/[^/]+\/index\.js$/.test(m)).map((m) => m.replace(/.*\/commands\//, '')),
    ).toEqual(['user/index.js']);
  });

  it("human output loads ink (so the test above can fail), and one React: the bundle's, for the views and ink's renderer", async () => {
    const { code, files, modules } = await modulesOf(['user', 'list', ...urlFlags(server)]);
    expect(code).toBe(0);
    expect(modules.some((m) => /\/ink\//.test(m))).toBe(true);
    expect(outsideBundle(files)).toEqual([]);
    expect(modules.filter((m) => /\/node_modules\/react\/index\.js$/.test(m))).toHaveLength(1);
    expect(modules.some((m) => /\/node_modules\/react-reconciler\//.test(m))).toBe(true);
  });

  it('human output with DEV=true (ink: connect to React DevTools) still prints the table', async () => {
    const r = await bbk(['user', 'list', ...urlFlags(server)], { env: { DEV: 'true' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID +NAME/m);
  });
});
