import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ENGINE } from './harness.js';

// The request log is written in large asynchronous chunks (observability/log-buffer.ts); what is still
// buffered when the process dies of an uncaught exception is written by its exit handler.

const fixture = fileURLToPath(new URL('./fixtures/logging-server.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bbk-log-crash-'));
const children: ChildProcess[] = [];

function run(args: string[]): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];

describe('buffered log lines survive a crash', () => {
  it('a LogBuffer that would not flush for a minute writes its lines when the process dies', async () => {
    const file = join(dir, 'buffer.log');
    const { exited, stderr } = run(['--buffer', file]);
    expect(await exited).not.toBe(0);
    expect(stderr()).toContain('crash on purpose');
    expect(lines(file)).toEqual([{ line: 1 }, { line: 2 }, { line: 3 }]);
  });

  it('completions queued for the end of the turn run when the process dies before it ends, before the log is written', async () => {
    const file = join(dir, 'completions.log');
    const { exited, stderr } = run(['--completions', file]);
    expect(await exited).not.toBe(0);
    expect(stderr()).toContain('crash on purpose');
    expect(lines(file)).toEqual([
      { reqId: 'r1', status: 200, ms: 1 },
      { reqId: 'r2', status: 200, ms: 2 },
      { reqId: 'r3', status: 200, ms: 3 },
    ]);
  });

  // a SQLite data directory of its own; the log does not depend on the engine
  it.skipIf(TEST_ENGINE === 'postgres')(
    'every request answered before an uncaught exception is in the log file',
    async () => {
      const file = join(dir, 'server.log');
      const { child, exited, stderr } = run([join(dir, 'data'), file]);
      const urls = JSON.parse(
        await new Promise<string>((resolve, reject) => {
          createInterface({ input: child.stdout! }).once('line', resolve);
          child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr()}`)));
        }),
      ) as { coordinator: string };
      for (let i = 0; i < 20; i++) {
        const res = await fetch(urls.coordinator, { headers: { 'x-request-id': `crash-${i}` } });
        expect(res.status).toBe(200);
      }
      child.stdin!.write('crash\n');
      expect(await exited).not.toBe(0);
      const ids = lines(file).map((l) => l.reqId);
      for (let i = 0; i < 20; i++) expect(ids).toContain(`crash-${i}`);
    },
  );
});

// /dev/full fails every write with ENOSPC, as a full disk does
describe.skipIf(!existsSync('/dev/full') || TEST_ENGINE === 'postgres')('a log file that cannot be written', () => {
  it('never stops the server: requests are answered, it says so once, and it closes', async () => {
    const { child, exited, stderr } = run([join(dir, 'full-data'), '/dev/full']);
    const urls = JSON.parse(
      await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr()}`)));
      }),
    ) as { coordinator: string };
    // past several periodic hand-overs of the log (one a second), each failing
    const until = Date.now() + 2500;
    let answered = 0;
    while (Date.now() < until) {
      const res = await fetch(urls.coordinator, { signal: AbortSignal.timeout(2000) });
      expect(res.status).toBe(200);
      answered++;
    }
    expect(answered).toBeGreaterThan(50);
    expect(stderr().match(/cannot write the log to \/dev\/full \(ENOSPC\)/g)).toHaveLength(1);
    child.stdin!.write('close\n');
    expect(await exited).toBe(0);
  });

  it('a crash still exits: the lines waiting are tried once, not for ever', async () => {
    const { exited, stderr } = run(['--buffer', '/dev/full']);
    expect(await exited).not.toBe(0);
    expect(stderr()).toContain('crash on purpose');
  });
});
