import type { Command } from 'commander';
import type { CommandContext } from '../../lib/context.js';
import type { Output } from '../../lib/output.js';
import { bashScript, fishScript, zshScript } from './scripts.js';
import { describeCommand } from './tree.js';

export type Shell = 'bash' | 'zsh' | 'fish';

/** `bbk completion bash|zsh|fish`: prints a completion script generated from the command table. */
export async function completion(options: { shell: Shell; program: Command }, ctx: CommandContext): Promise<Output> {
  const tree = describeCommand(options.program);
  const script =
    options.shell === 'bash' ? bashScript(tree) : options.shell === 'zsh' ? zshScript(tree) : fishScript(tree);
  // The script is the output in every format: it is meant to be sourced or saved.
  ctx.io.stdout.write(script);
  return { data: undefined };
}
