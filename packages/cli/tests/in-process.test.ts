import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/tests/harness.js';
import { type BbkOptions, bbk, cleanup, serverAndCli, tempDir, urlFlags } from './helpers.js';

/**
 * The other CLI tests run the program in their own process (helpers.ts `bbk`), which is only as good as its
 * likeness to the executable. Here every kind of output is produced both ways and must be the same to the byte:
 * help and usage errors (commander's streams), tables, JSON, YAML, ids, human and JSON error reports, a
 * relative file (the working directory), stdin, and the exit codes.
 */
let server: TestServer;
let work: string;

beforeAll(async () => {
  ({ server } = await serverAndCli());
  const admin = ['--token', server.adminToken, ...urlFlags(server)];
  for (const name of ['Ada', 'Grace'])
    expect(
      (await bbk(['user', 'add', '--name', name, '--email', `${name}@bbk.test`, '--organization', 'bbk', ...admin]))
        .code,
    ).toBe(0);
  work = tempDir('bbk-in-process-');
  writeFileSync(join(work, 'schema.json'), JSON.stringify({ type: 'object', required: ['area'] }));
  writeFileSync(join(work, 'records.json'), JSON.stringify([{ id: 'a', name: 'A', entity: { area: 1 } }]));
});

afterAll(async () => {
  await server?.close();
  cleanup();
});

/** Runs the same command in this process and as the executable; both must print and exit the same. */
async function same(args: string[], options: BbkOptions = {}) {
  const [inside, outside] = await Promise.all([bbk(args, options), bbk(args, { ...options, process: true })]);
  expect({ code: inside.code, stdout: inside.stdout, stderr: inside.stderr }).toEqual({
    code: outside.code,
    stdout: outside.stdout,
    stderr: outside.stderr,
  });
  expect(outside.signal).toBeNull();
  return inside;
}

const admin = () => ['--token', server.adminToken, ...urlFlags(server)];

describe('bbk run in the test process prints and exits as the executable does', () => {
  it('help, version and usage errors', async () => {
    expect((await same(['--help'])).stdout).toContain('Exit codes:');
    expect((await same(['user', 'add', '--help'])).stdout).toContain('Global Options:');
    expect((await same(['--version'])).code).toBe(0);
    expect((await same(['user', 'list', '--bogus'])).code).toBe(2);
    expect((await same(['nonsense'])).code).toBe(2);
    expect((await same(['user', 'list', '--json', '-o', 'yaml'])).code).toBe(2);
    // with --json, commander's usage errors are one JSON object on stderr too
    const unknown = await same(['user', 'list', '--bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.errorJson()).toEqual({
      error: { exit: 2, message: "unknown option '--bogus' (run with --help for usage)" },
    });
    expect((await same(['user', 'show', '--json'])).errorJson().error.exit).toBe(2);
    expect((await same(['nonsense', '-o', 'json'])).errorJson().error.exit).toBe(2);
  });

  it('tables, wide, JSON, YAML, ids and field selections', async () => {
    expect((await same(['user', 'list', ...admin()])).stdout).toContain('Grace');
    await same(['user', 'list', '-o', 'wide', ...admin()]);
    expect((await same(['user', 'list', '--json', ...admin()])).json<unknown[]>()).toHaveLength(3);
    await same(['user', 'list', '-o', 'yaml', ...admin()]);
    expect((await same(['user', 'list', '--quiet', ...admin()])).stdout).toBe('1\n2\n3\n');
    await same(['user', 'show', '2', '--fields', 'id,name', ...admin()]);
    await same(['user', 'show', '2', ...admin()], { env: { COLUMNS: '40' } });
  });

  it('error reports, human and JSON, with their exit codes', async () => {
    expect((await same(['user', 'show', '99', ...admin()])).code).toBe(3);
    expect((await same(['user', 'show', '99', '--json', ...admin()])).errorJson().error.exit).toBe(3);
    expect((await same(['user', 'list', '--token', 'coordinator.nope', ...urlFlags(server)])).code).toBe(4);
    expect((await same(['user', 'list', '--coordinator-url', 'http://127.0.0.1:9/v1', '--token', 'x'])).code).toBe(1);
  });

  it('files relative to the working directory, and stdin', async () => {
    const dryRun = ['push', '--dry-run', '--schema', 'schema.json', '--connector', 'c'];
    const fromFile = await same([...dryRun, 'records.json'], { cwd: work });
    expect(fromFile.code).toBe(0);
    const bad = JSON.stringify([{ id: 'b', name: 'B', entity: {} }]);
    const fromStdin = await same([...dryRun, '-', '--json'], { cwd: work, input: bad });
    expect(fromStdin.code).toBe(6);
    expect((await same([...dryRun, 'missing.json'], { cwd: work })).stderr).toContain('missing.json');
  });

  it('files a command writes land in the working directory', async () => {
    const backup = await bbk(['backup', '--to', 'copy.sqlite', '--data-dir', server.dataDir, '--json'], { cwd: work });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.json<{ file: string }>().file).toBe(join(work, 'copy.sqlite'));
    expect(existsSync(join(work, 'copy.sqlite'))).toBe(true);
  });

  it('a completion script, written straight to stdout', async () => {
    expect((await same(['completion', 'bash'])).stdout).toContain('complete -o default -F _bbk_complete bbk');
  });
});
