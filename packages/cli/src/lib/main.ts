import { type Command, CommanderError } from './commander.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { formatError } from './format-error.js';
import type { RunState } from './run.js';

/**
 * The entry point's one job: runs the program and turns its outcome into the exit code (table in
 * lib/exit-codes.ts) and, for failures, a message on stderr (JSON with `--json`). Sets `process.exitCode`
 * and never calls `process.exit` (so output is flushed), except when stdout is a closed pipe.
 * @example await main(process.argv, buildProgram);
 */
export async function main(argv: string[], buildProgram: (state: RunState) => Command): Promise<void> {
  const state: RunState = { exitCode: undefined, format: undefined };
  const wantsJson = argv.some(
    (arg, i) =>
      arg === '--json' ||
      /^(-o|--output)=?(json|yaml)$/.test(arg) ||
      ((arg === '-o' || arg === '--output') && /^(json|yaml)$/.test(argv[i + 1] ?? '')),
  );
  // `bbk … | head`: the reader went away; stop quietly as other Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  try {
    await buildProgram(state).parseAsync(argv);
    process.exitCode = state.exitCode ?? EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its own message (or the help/version) already.
      process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    const code = (error as Error)?.name === 'ExitPromptError' ? EXIT.INTERRUPTED : exitCodeFor(error);
    const { report, lines } = formatError(error);
    report.error.exit = code;
    if ((state.format ?? (wantsJson ? 'json' : 'human')) === 'json')
      process.stderr.write(`${JSON.stringify(report)}\n`);
    else process.stderr.write(`bbk: ${lines.join('\n')}\n`);
    process.exitCode = code;
  }
}
