import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordinatorClient } from '@bbk/sdk';
import type { ServerOptions } from '@bbk/server';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';

/** The bundled executable (scripts/build-cli.mjs), what the package's `bin` runs. */
export const CLI = fileURLToPath(new URL('../dist/bundle/cli.js', import.meta.url));
/** The example country data set, kept in the repo (examples/countries/data). */
export const DATA = fileURLToPath(new URL('../../../examples/countries/data', import.meta.url));
const DRIVER = fileURLToPath(new URL('./pty-driver.py', import.meta.url));

if (!existsSync(CLI))
  throw new Error(
    `${CLI} is missing: build first (pnpm build: tsc -b tsconfig.build.json, then node scripts/build-cli.mjs)`,
  );

/** What a CLI run gave. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json<T = unknown>(): T;
  /** stderr parsed as JSON (the error report of --json). */
  errorJson(): {
    error: {
      exit: number;
      message: string;
      status?: number;
      items?: { name: string; index: number | null; reason: string }[];
    };
  };
}

/** A clean environment: nothing from the developer's shell or profile leaks into a test. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: scratch.home,
    BBK_CONFIG: join(scratch.home, 'bbk.json'),
    COLUMNS: '100',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Temp folders of this test file, removed by `cleanup()`. */
const scratch = { home: mkdtempSync(join(tmpdir(), 'bbk-cli-home-')) };

const temps: string[] = [];

/** A fresh temporary directory, removed by `cleanup()`. */
export function tempDir(prefix = 'bbk-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Removes this test file's temporary directories (call it in `afterAll`). */
export function cleanup(): void {
  for (const dir of [scratch.home, ...temps.splice(0)]) rmSync(dir, { recursive: true, force: true });
}

/** How a test runs `bbk`. */
export interface BbkOptions {
  env?: Record<string, string>;
  /** Given on stdin. */
  input?: string;
  /** The working directory (default: the test file's scratch home). */
  cwd?: string;
  /** Run the built executable as a real process, even where running the program in this process would do. */
  process?: boolean;
}

/**
 * Commands that own the process they run in (servers that wait for signals): always run as real processes.
 */
const PROCESS_COMMANDS = new Set(['start', 'demo']);

/**
 * Every `bbk` run of these tests as a real process (BBK_CLI_TEST_PROCESS=1): the slow, most literal way, for a
 * maintainer who suspects the in-process runs (tests/in-process.test.ts compares the two on every kind of output).
 */
const ALWAYS_PROCESS = process.env.BBK_CLI_TEST_PROCESS === '1';

/**
 * Runs `bbk` with these arguments and resolves to what it printed and its exit code. The program runs in this
 * process (lib/main.ts with captured streams, this file's environment and working directory, never the test
 * process's): starting a Node process and loading the CLI for each of the suite's thousand-odd commands cost
 * most of its time. `bbk start` and `bbk demo`, and runs with `process: true`, start the built executable as
 * a real process instead (asynchronously, so a server in this process keeps answering).
 * @example const r = await bbk(['user', 'list', '--json'], { env: { BBK_TOKEN: token } });
 */
export function bbk(args: string[], options: BbkOptions = {}): Promise<Run> {
  return options.process || ALWAYS_PROCESS || PROCESS_COMMANDS.has(args[0] ?? '')
    ? bbkProcess(args, options)
    : bbkInProcess(args, options);
}

/** `bbk` run by lib/main.ts in this process, against captured streams. */
async function bbkInProcess(args: string[], options: BbkOptions): Promise<Run> {
  const [{ main }, { buildProgram }] = await Promise.all([import('../src/lib/main.js'), import('../src/program.js')]);
  let stdout = '';
  let stderr = '';
  const code = await main([process.execPath, CLI, ...args], buildProgram, {
    env: baseEnv(options.env),
    cwd: options.cwd ?? scratch.home,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdinIsTTY: false,
    readStdin: () => options.input ?? '',
  });
  return result(code, null, stdout, stderr);
}

/** `bbk` as a real process: the bundled executable, as the package's `bin` runs it. */
function bbkProcess(args: string[], options: BbkOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: baseEnv(options.env),
      cwd: options.cwd ?? scratch.home,
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(result(code, signal, stdout, stderr)));
    child.stdin.end(options.input ?? '');
  });
}

function result(code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): Run {
  return {
    code,
    signal,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
    errorJson: () => JSON.parse(stderr),
  };
}

/** `--*-url` flags for a test server. */
export function urlFlags(server: { urls: TestServer['urls'] }): string[] {
  return [
    '--coordinator-url',
    server.urls.coordinator,
    '--contributor-url',
    server.urls.contributor,
    '--consumer-url',
    server.urls.consumer,
  ];
}

/** A test server plus a `run` that targets it with the given token. */
export async function serverAndCli(options: ServerOptions = { mode: 'production' }) {
  const server = await startTestServer(options);
  const run = (args: string[], token: string | undefined = server.adminToken, env: Record<string, string> = {}) =>
    bbk([...args, ...urlFlags(server), ...(token ? ['--token', token] : [])], { env });
  return { server, run };
}

/**
 * Runs `bbk` in a pseudo-terminal, answering prompts: each step waits for a regex, then types text.
 * @example await inPty(['user', 'add'], [['User name', 'Bob\r']])
 */
export function inPty(
  args: string[],
  steps: [string, string][],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string; error: string | null }> {
  const spec = JSON.stringify({ argv: [process.execPath, CLI, ...args], env: baseEnv(env), steps, timeout: 20 });
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [DRIVER, spec], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(out));
      } catch (error) {
        reject(new Error(`pty driver output: ${out}: ${(error as Error).message}`));
      }
    });
  });
}

/** Replaces what changes between runs (ports, tokens, ids, dates, temp paths) for snapshots. */
export function normalise(text: string): string {
  return text
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT')
    .replace(/\b(coordinator|contributor|consumer)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, '$1.TOKEN')
    .replace(/\b[0-9a-f]{40}\b/g, 'HEX40')
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\b/g, 'DATE')
    .replaceAll(tmpdir(), '/tmp')
    .replace(/\/tmp\/[A-Za-z0-9._-]+/g, '/tmp/DIR')
    .replace(/^(\s+)[A-Za-z0-9_-]{43}$/gm, '$1SECRET');
}

/** A long-running `bbk` process (e.g. `bbk start`). */
export interface LongRun {
  /** Resolves with stdout once it matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * Starts `bbk` without waiting for it to end.
 * @example const p = spawnBbk(['start', '--json']); const line = await p.waitFor(/\n/);
 */
export function spawnBbk(args: string[], env: Record<string, string> = {}): LongRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: baseEnv(env),
    cwd: scratch.home,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; stdout: ${stdout}; stderr: ${stderr}`)),
          timeoutMs,
        );
        const check = () => {
          if (pattern.test(stdout)) {
            clearTimeout(timer);
            resolve(stdout);
          }
        };
        listeners.push(check);
        void exited.then(() => {
          clearTimeout(timer);
          if (pattern.test(stdout)) resolve(stdout);
          else reject(new Error(`bbk ended before ${pattern}; stdout: ${stdout}; stderr: ${stderr}`));
        });
        check();
      });
    },
    kill: (signal) => child.kill(signal),
    exited,
  };
}

/** Creates the policy `open` (every country, no limits) on a development server's Coordinator API. */
export async function createOpenPolicy(coordinatorUrl: string): Promise<void> {
  const admin = new CoordinatorClient({ baseUrl: coordinatorUrl });
  try {
    await admin.policies.create('open', {
      name: 'Open',
      description: 'Everything',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'country' } },
        legal_context: [],
      },
    });
  } finally {
    await admin.close();
  }
}
