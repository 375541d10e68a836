import { readFileSync } from 'node:fs';

/** Where a command writes: a stream with the terminal facts the views need. */
export interface OutStream {
  write(text: string): unknown;
  /** A terminal (live progress and prompts are drawn only there). */
  isTTY?: boolean;
  /** Its width, when it is a terminal. */
  columns?: number;
}

/**
 * The process around one run of the program: environment, working directory and standard streams. The executable
 * passes the real ones (`processIo`); the CLI's tests run commands in their own process with captured streams, so
 * no command reads `process.env`, `process.cwd()` or the standard streams directly. (`bbk start` and `bbk demo` own
 * the process they run in: the server they start resolves its relative paths there, and they handle its signals.)
 */
export interface Io {
  env: NodeJS.ProcessEnv;
  /** Relative paths (files, data directories) resolve against it. */
  cwd: string;
  stdout: OutStream;
  stderr: OutStream;
  /** stdin is a terminal (prompts are allowed). */
  stdinIsTTY: boolean;
  /** All of stdin, as text (for `-` as a file name). */
  readStdin(): string;
}

/**
 * The real process's environment and streams, for the executable. When the reader of stdout or stderr goes away
 * (`bbk … | head`), the process stops quietly, as other Unix tools do.
 * @example process.exitCode = await main(process.argv, buildProgram, processIo());
 */
export function processIo(): Io {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    readStdin: () => readFileSync(0, 'utf8'),
  };
}

/**
 * A run's stderr as the terminal stream ink draws live progress on; undefined when it is not a terminal or reports
 * no width (some CI ptys do: a bar would get one character per line). Only the real process's stderr is a terminal.
 * @example const tty = terminalStderr(ctx.io); if (tty) render(<Bar />, { stdout: tty });
 */
export function terminalStderr(io: Io): NodeJS.WriteStream | undefined {
  const { stderr } = io;
  return stderr.isTTY && stderr.columns ? (stderr as NodeJS.WriteStream) : undefined;
}
