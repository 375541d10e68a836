import type { Command } from 'commander';

/** An option as completion sees it. */
export interface OptionSpec {
  long: string | undefined;
  short: string | undefined;
  description: string;
  takesValue: boolean;
  choices: readonly string[] | undefined;
}

/** A command (or the program) as completion sees it; `path` is e.g. `bbk user add`. */
export interface CommandSpec {
  name: string;
  path: string;
  description: string;
  options: OptionSpec[];
  commands: CommandSpec[];
  /** Values of the first positional argument, when it has a fixed set (e.g. `login <api>`). */
  argumentChoices: readonly string[];
}

/**
 * Describes a commander program for completion scripts: commands, options, option choices.
 * Hidden commands are left out; every command also gets `--help`.
 * @example describe(program).commands.map((c) => c.name) // ['start', 'token', …]
 */
export function describeCommand(command: Command, parentPath = ''): CommandSpec {
  const path = parentPath ? `${parentPath} ${command.name()}` : command.name();
  const options: OptionSpec[] = command.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      long: o.long,
      short: o.short,
      description: o.description,
      takesValue: o.required || o.optional,
      choices: o.argChoices,
    }));
  options.push({ long: '--help', short: '-h', description: 'show help', takesValue: false, choices: undefined });
  const visible = command.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
  return {
    name: command.name(),
    path,
    description: command.description(),
    options,
    commands: visible.map((c) => describeCommand(c, path)),
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
  };
}

/** Every command of the tree, depth first, the root included. */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.commands.flatMap(allCommands)];
}

/** Options of the root that apply after a subcommand too (all but --version and --help). */
export function globalOptions(root: CommandSpec): OptionSpec[] {
  return root.options.filter((o) => o.long !== '--version' && o.long !== '--help');
}
