import { type Command, CommanderError } from './commander.js';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes.js';
import { formatError } from './format-error.js';
import type { Io } from './io.js';
import type { RunState } from './run.js';

/**
 * Runs the program once and turns its outcome into the exit code (table in lib/exit-codes.ts) and, for failures,
 * a message on stderr (JSON with `--json`). Touches nothing of the process but what `io` gives it: the executable
 * (cli.ts) sets the process's exit code from the result; the CLI's tests call it in their own process.
 * @example process.exitCode = await main(process.argv, buildProgram, processIo());
 */
export async function main(argv: string[], buildProgram: (state: RunState) => Command, io: Io): Promise<ExitCode> {
  const wantsJson = argv.some(
    (arg, i) =>
      arg === '--json' ||
      /^(-o|--output)=?(json|yaml)$/.test(arg) ||
      ((arg === '-o' || arg === '--output') && /^(json|yaml)$/.test(argv[i + 1] ?? '')),
  );
  const state: RunState = { exitCode: undefined, format: undefined, io, jsonErrors: wantsJson };
  try {
    await buildProgram(state).parseAsync(argv);
    return state.exitCode ?? EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.OK;
      // commander printed its own message already, unless --json asked for this one instead
      if (wantsJson) {
        const message = error.message.replace(/^error: /, '');
        io.stderr.write(
          `${JSON.stringify({ error: { exit: EXIT.USAGE, message: `${message} (run with --help for usage)` } })}\n`,
        );
      }
      return EXIT.USAGE;
    }
    const code = (error as Error)?.name === 'ExitPromptError' ? EXIT.INTERRUPTED : exitCodeFor(error);
    const { report, lines } = formatError(error);
    report.error.exit = code;
    if ((state.format ?? (wantsJson ? 'json' : 'human')) === 'json') io.stderr.write(`${JSON.stringify(report)}\n`);
    else io.stderr.write(`bbk: ${lines.join('\n')}\n`);
    return code;
  }
}
