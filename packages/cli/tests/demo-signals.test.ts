import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoReady } from '../src/commands/demo/index.js';
import { baseEnv, bbk, cleanup, tempDir } from './helpers.js';

/**
 * `pnpm bbk demo` (scripts/bbk.mjs, then the CLI) stopped by Ctrl+C removes its temporary data directory and the
 * profiles it saved, although the signal reaches it twice (from the terminal's process group, and passed on by
 * the launcher when it has no terminal).
 */

const LAUNCHER = fileURLToPath(new URL('../../../scripts/bbk.mjs', import.meta.url));
const DRIVER = fileURLToPath(new URL('./pty-driver.py', import.meta.url));
const PORTS = ['--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'];

afterAll(() => cleanup());

const profilesIn = (config: string): Record<string, unknown> =>
  existsSync(config) ? JSON.parse(readFileSync(config, 'utf8')).profiles : {};

describe('bbk demo and signals', () => {
  it('without a terminal: SIGINT to the whole process group (twice for the CLI) still cleans up', async () => {
    const home = tempDir('bbk-home-');
    const config = join(home, 'config.json');
    const env = { ...baseEnv(), HOME: home, BBK_CONFIG: config };
    // Its own process group, so that one kill(-pid) reaches the launcher and the CLI as Ctrl+C would.
    const child = spawn(process.execPath, [LAUNCHER, 'demo', '--json', '--profiles', ...PORTS], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ready = await new Promise<DemoReady>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const newline = out.indexOf('\n');
        if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)) as DemoReady);
      });
      child.once('exit', (code) => reject(new Error(`bbk demo exited early (${code}): ${stderr}`)));
    });
    try {
      expect(ready.profiles[0]).toBe('demo');
      expect(Object.keys(profilesIn(config)).sort()).toEqual([...ready.profiles].sort());
      const consumer = ready.consumers[0];
      expect(consumer?.profile).toBe(`demo-${consumer?.policy.id}`);
      expect(consumer?.queries[0]?.bbk).toBe(`bbk catalog types --profile ${consumer?.profile}`);
      const types = await bbk(['--profile', consumer?.profile ?? '', 'catalog', 'types', '--json'], {
        env: { HOME: home, BBK_CONFIG: config },
      });
      expect(types.code, types.stderr).toBe(0);
      expect(existsSync(ready.dataDir)).toBe(true);
    } finally {
      process.kill(-(child.pid ?? 0), 'SIGINT');
    }
    expect(await exited).toBe(0);
    expect(existsSync(ready.dataDir)).toBe(false);
    expect(profilesIn(config)).toEqual({});
  }, 120_000);

  it('on a terminal: Ctrl+C stops it once, it says the data was removed, and the data is gone', async () => {
    const home = tempDir('bbk-home-');
    const config = join(home, 'config.json');
    const spec = JSON.stringify({
      argv: [process.execPath, LAUNCHER, 'demo', ...PORTS],
      env: { ...baseEnv(), HOME: home, BBK_CONFIG: config },
      steps: [
        ['Save profiles', 'y\r'],
        ['Press Ctrl\\+C to stop', '\u0003'],
      ],
      timeout: 90,
    });
    const result = await new Promise<{ code: number; output: string; error: string | null }>((resolve, reject) => {
      const driver = spawn('python3', [DRIVER, spec], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      driver.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      driver.on('error', reject);
      driver.on('close', () => resolve(JSON.parse(out)));
    });
    expect(result.error).toBeNull();
    expect(result.code).toBe(0);
    const dataDir = /data in (\S+) \(removed on exit\)/.exec(result.output)?.[1] ?? '';
    expect(dataDir).toMatch(/bbk-demo-/);
    expect(result.output).toContain('profile: demo-');
    expect(result.output).toContain(`bbk demo stopped; ${dataDir} removed.`);
    expect(existsSync(dataDir)).toBe(false);
    expect(profilesIn(config)).toEqual({});
  }, 150_000);
});
