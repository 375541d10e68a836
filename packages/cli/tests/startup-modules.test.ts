import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';
import { baseEnv, CLI, cleanup, tempDir, urlFlags } from './helpers.js';

/**
 * Start-up: which modules a command loads (a figure that does not depend on the machine's load, unlike its
 * time; docs/CLI.md has the times). `--help` and `--json` commands must not load ink, React's renderer,
 * the prompts, YAML, Ajv, or undici's index (only its Agent and request); human output does load ink.
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

/** Runs the CLI with the module trace; returns the loaded module paths. */
function modulesOf(args: string[]): Promise<{ code: number | null; modules: string[] }> {
  const file = join(tempDir('bbk-trace-'), 'modules.txt');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', TRACE, CLI, ...args], {
      env: baseEnv({ BBK_TRACE_FILE: file }),
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, modules: [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))] }),
    );
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

describe('what a command loads', () => {
  it('bbk --help: commander and the command table, nothing heavy, no command module, no undici', async () => {
    const { code, modules } = await modulesOf(['--help']);
    expect(code).toBe(0);
    expect(modules.some((m) => m.includes('/commander/'))).toBe(true);
    expect(heavy(modules)).toEqual([]);
    expect(modules.filter((m) => /\/undici\//.test(m))).toEqual([]);
    expect(modules.filter((m) => /\/commands\/[^/]+\/index\.js$/.test(m))).toEqual([]);
  });

  it('a --json command against a server: its own module and undici Agent + request only', async () => {
    const { code, modules } = await modulesOf(['user', 'list', '--json', ...urlFlags(server)]);
    expect(code).toBe(0);
    expect(heavy(modules)).toEqual([]);
    expect(modules.some((m) => m.endsWith('/undici/lib/dispatcher/agent.js'))).toBe(true);
    expect(
      modules.filter((m) => /\/commands\/[^/]+\/index\.js$/.test(m)).map((m) => m.replace(/.*\/commands\//, '')),
    ).toEqual(['user/index.js']);
  });

  it('human output loads ink (so the test above can fail)', async () => {
    const { code, modules } = await modulesOf(['user', 'list', ...urlFlags(server)]);
    expect(code).toBe(0);
    expect(modules.some((m) => /\/ink\//.test(m))).toBe(true);
  });
});
