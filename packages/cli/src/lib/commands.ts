/**
 * Helpers of the command table: each command folder's `register.ts` adds its commands to the program with them.
 * Nothing here loads a command's module; `run(primary, load)` defers that to the moment the command runs.
 */
import type { Command } from 'commander';
import type { Api } from './config-file.js';
import type { CommandFn } from './run.js';

/** Wraps a lazily loaded command function as a commander action (see `action` in lib/run.ts). */
export type Run = (primary: Api | undefined, load: () => Promise<CommandFn>) => (...args: unknown[]) => Promise<void>;

/** Adds one area's commands to the program. */
export type Register = (program: Command, run: Run) => void;

/** The three APIs, in the order of the help texts. */
export const APIS = ['coordinator', 'contributor', 'consumer'] as const;

/**
 * The "Examples:" block of a help text.
 * @example command.addHelpText('after', examples('bbk user list'))
 */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/**
 * Commander's collector of a repeatable option.
 * @example .option('--where <condition>', '…', collect)
 */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds the consumer flags (policy audience, staged connectors, paging) to a command. */
export function consumerFlags(command: Command, paging: boolean): Command {
  command
    .option('--audience <pid>', 'policy id to read through, development servers only (env BBK_AUDIENCE)')
    .option(
      '--connectors <cids>',
      'comma-separated contribution ids of staged connectors to include (env BBK_CONNECTORS)',
    );
  if (paging) {
    command
      .option('--limit <n>', 'items per page, 1-250 (default 250)')
      .option('--offset <n>', 'items to skip (single page only)')
      .option('--all', 'page through every result (waits out rate limits, prints each page as it arrives)');
  }
  return command;
}

/** A module that configures its own command: `configure(command)` adds arguments, options and help text. */
export type SelfConfiguring = Record<string, unknown> & { configure?: (command: Command) => void };

/**
 * Registers a command whose module adds its own arguments, options and help (`configure(command)`) besides the
 * command function `exportName`. `load` is a static `() => import('…')`, so that the bundler follows it and the
 * module stays in a lazily loaded chunk: it is loaded only when the command is about to run (or show its help).
 * @example selfConfigured(program, 'demo', () => import('./commands/demo/index.js'), 'start a demo', 'demo', run)
 */
export function selfConfigured(
  parent: Command,
  name: string,
  load: () => Promise<SelfConfiguring>,
  description: string,
  exportName: string,
  run: Run,
): void {
  const command = parent.command(name).description(description);
  parent.hook('preSubcommand', async (_parent, sub) => {
    if (sub !== command) return;
    (await load()).configure?.(command);
  });
  command.action(run(undefined, async () => (await load())[exportName] as CommandFn));
}
