import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bbk, cleanup, tempDir } from './helpers.js';

const dir = tempDir('bbk-completion-');
const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await bbk(['completion', shell]);
    expect(r.code).toBe(0);
    scripts[shell] = join(dir, `bbk.${shell}`);
    writeFileSync(scripts[shell], r.stdout);
  }
});

afterAll(cleanup);

/** Runs a shell snippet and returns its stdout lines. */
function sh(shell: string, script: string): string[] {
  const r = spawnSync(shell, ['-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.replace(/\n$/, '').split('\n');
}

describe('bbk completion', () => {
  it('rejects an unknown shell (exit 2)', async () => {
    expect((await bbk(['completion', 'tcsh'])).code).toBe(2);
  });

  it('bash: completes commands, subcommands, options, option values and argument choices', () => {
    const lines = sh(
      'bash',
      `source ${scripts.bash}
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _bbk_complete; echo "\${COMPREPLY[*]}"; }
t bbk use; t bbk us; t bbk user a; t bbk push x --mode ''; t bbk user add --na; t bbk login c; t bbk --json connector l; t bbk push --connector ''`,
    );
    expect(lines).toEqual([
      'user',
      'user usage',
      'add',
      'accrue stream replace',
      '--name',
      'coordinator contributor consumer',
      'list live',
      '',
    ]);
  });

  it.skipIf(!has('zsh'))('zsh: the script loads and completes', () => {
    const lines = sh(
      'zsh',
      `compdef() { : }
_describe() { local arr=\${@[-1]}; print -l -- "\${(@P)arr}" | cut -d: -f1 | tr "\\n" " "; print }
compadd() { [[ $1 == -- ]] && shift; print -- "$@" }
_files() { print FILES }
source ${scripts.zsh}
t() { words=("$@"); CURRENT=$#; _bbk }
t bbk user a; t bbk push x --mode ''; t bbk push ''`,
    );
    expect(lines[0]?.trim()).toBe('list add show update rm promote demote');
    expect(lines.slice(1)).toEqual(['accrue stream replace', 'FILES']);
  });

  it.skipIf(!has('fish'))('fish: the script loads and completes', () => {
    const lines = sh('fish', `source ${scripts.fish}; complete -C 'bbk user a'; complete -C 'bbk push x --mode '`);
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['add', 'accrue', 'replace', 'stream']);
  });
});
