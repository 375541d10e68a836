import { ConsumerClient as Consumer, type ConsumerClient, ContributorClient, CoordinatorClient } from '@bbk/sdk';
import type { Command } from 'commander';
import type { Api } from './config-file.js';
import type { CommandContext } from './context.js';
import { type ExitCode, UsageError } from './exit-codes.js';
import type { Io } from './io.js';
import {
  type Format,
  type Output,
  type OutputStyle,
  parseFields,
  printOutput,
  terminalColumns,
  WIDE_COLUMNS,
} from './output.js';
import { integer } from './read-input.js';
import { type GlobalOptions, resolveSettings } from './settings.js';

/** A command module's function: one options object (arguments included by name) and the context. */
// biome-ignore lint/suspicious/noExplicitAny: each command declares its own options type
export type CommandFn = (options: any, ctx: CommandContext) => Promise<Output | undefined>;

/** Shared between the actions and the entry point, which alone turns it into the exit code. */
export interface RunState {
  exitCode: ExitCode | undefined;
  format: Format | undefined;
  /** The process around this run (the real one, or a test's). */
  io: Io;
  /** `--json` (or `-o json|yaml`) was asked: a usage error is one JSON object on stderr, not commander's text. */
  jsonErrors?: boolean;
}

/**
 * Wraps a lazily imported command function as a commander action: collects the positional
 * arguments by name, resolves settings, runs the command, prints its output, closes the clients.
 * @example .action(action(state, 'coordinator', async () => (await import('./commands/user/index.js')).userShow))
 */
export function action(state: RunState, primary: Api | undefined, load: () => Promise<CommandFn>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const options: Record<string, unknown> = { ...command.optsWithGlobals() };
    command.registeredArguments.forEach((argument, i) => {
      options[camel(argument.name())] = args[i];
    });
    const { ctx, close } = createContext(options as GlobalOptions, primary, state.io);
    state.format = ctx.format;
    try {
      const run = await load();
      const output = await run(options, ctx);
      if (output) await ctx.print(output);
      state.exitCode = output?.exitCode;
    } finally {
      await close();
    }
  };
}

/**
 * Builds a command's context: settings, lazily created SDK clients, output helpers.
 * @example const { ctx, close } = createContext({ json: true }, 'coordinator', processIo());
 */
export function createContext(
  options: GlobalOptions,
  primary: Api | undefined,
  io: Io,
): { ctx: CommandContext; close: () => Promise<void> } {
  const { env } = io;
  const style = outputStyle(options);
  const format: Format = style === 'json' || style === 'yaml' ? 'json' : options.quiet ? 'quiet' : 'human';
  const fields = parseFields(options.fields);
  const settings = resolveSettings(options, env, primary);
  const columns = style === 'wide' ? WIDE_COLUMNS : terminalColumns(io.stdout, env);
  const closers: (() => Promise<void>)[] = [];
  let coordinator: CoordinatorClient | undefined;
  let contributor: ContributorClient | undefined;
  // milliseconds, 1 to an hour; anything else is a usage error (exit 2), not a failure inside the client
  const timeoutMs = integer(env.BBK_TIMEOUT_MS || undefined, 'BBK_TIMEOUT_MS', 1, 3_600_000);
  const transport = (api: Api) => {
    const { url, token } = settings.endpoint(api);
    return { baseUrl: url, ...(token ? { token } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  };
  const ctx: CommandContext = {
    options,
    settings,
    io,
    format,
    style,
    interactive: options.input !== false && io.stdinIsTTY,
    columns,
    coordinator() {
      if (!coordinator) {
        const client = new CoordinatorClient(transport('coordinator'));
        closers.push(() => client.close());
        coordinator = client;
      }
      return coordinator;
    },
    contributor() {
      if (!contributor) {
        const client = new ContributorClient(transport('contributor'));
        closers.push(() => client.close());
        contributor = client;
      }
      return contributor;
    },
    consumer(extra = {}): ConsumerClient {
      const client = new Consumer({ ...transport('consumer'), ...extra });
      closers.push(() => client.close());
      return client;
    },
    url: (api) => settings.endpoint(api).url,
    print: (output) => printOutput(output, { format, style, columns, fields }, io.stdout),
    note(text) {
      if (format !== 'quiet') io.stderr.write(`${text}\n`);
    },
  };
  return {
    ctx,
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}

/**
 * The output style from `--json`, `-o/--output` and `--quiet`, refusing contradictions.
 * @example outputStyle({ output: 'yaml' }) // 'yaml'
 */
export function outputStyle(options: GlobalOptions): OutputStyle {
  if (options.json && options.output !== undefined && options.output !== 'json')
    throw new UsageError(`use either --json or -o ${options.output}, not both`);
  const style: OutputStyle = options.json ? 'json' : (options.output ?? 'table');
  if (options.quiet && style !== 'table')
    throw new UsageError(`use either ${options.json ? '--json' : `-o ${style}`} or --quiet, not both`);
  return style;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
