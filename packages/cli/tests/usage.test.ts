import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bbk, cleanup } from './helpers.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

afterAll(cleanup);

describe('bbk help and usage errors', () => {
  it('prints help with examples, the exit codes and the global options', async () => {
    const help = await bbk(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain(
      'Exit codes: 0 ok, 1 server/network/webhook, 2 usage, 3 not found, 4 auth, 5 conflict, 6 rejected data, 7 rate limited, 8 audit log broken.',
    );
    for (const command of [
      'start',
      'status',
      'login',
      'user',
      'entity',
      'connector',
      'policy',
      'access',
      'push',
      'catalog',
      'timeseries',
      'completion',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
    const push = await bbk(['push', '--help']);
    expect(push.code).toBe(0);
    for (const flag of ['--connector', '--mode', '--dry-run', '--map', '--token', '--contributor-url'])
      expect(push.stdout).toContain(flag);
    expect((await bbk(['user', 'add', '--help'])).stdout).toContain('$ bbk user add --name Alice');
  });

  it('prints the version', async () => {
    const r = await bbk(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('exits 2 on unknown commands and options, bad choices and missing arguments', async () => {
    const unknown = await bbk(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect((await bbk(['user', 'list', '--frob'])).code).toBe(2);
    expect((await bbk(['push', 'x.json', '--mode', 'sometimes'])).code).toBe(2);
    expect((await bbk(['user', 'show'])).code).toBe(2);
    expect((await bbk([])).code).toBe(2);
    expect((await bbk(['user', 'list', '--json', '--quiet'])).code).toBe(2);
    expect((await bbk(['user', 'list', '--coordinator-url', 'not a url'])).code).toBe(2);
  });

  it('prints errors as JSON on stderr with --json', async () => {
    const r = await bbk(['user', 'list', '--json', '--coordinator-url', 'ftp://127.0.0.1/v1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.errorJson()).toEqual({ error: { exit: 2, message: expect.stringContaining('only http and https') } });
  });
});
