import { BbkApiError, BbkNetworkError } from '@bbk/sdk';

/**
 * Exit codes of `bbk`: the one table scripts can rely on (documented in docs/CLI.md).
 * @example if (code === EXIT.NOT_FOUND) …
 */
export const EXIT = {
  OK: 0,
  /** Server error (5xx), network failure, unexpected answer, or a bug. */
  FAILURE: 1,
  /** Usage: unknown command or option, missing or malformed value, unreadable input file. */
  USAGE: 2,
  /** 404: the resource does not exist (or is outside the consumer's policy). */
  NOT_FOUND: 3,
  /** 401/403/405: token missing, invalid, revoked or for another API; an action refused for this caller. */
  AUTH: 4,
  /** 409: already exists, already a coordinator, not a coordinator. */
  CONFLICT: 5,
  /** 400/413: the server rejected the data (validation items are printed); `push` with rejected records. */
  INVALID: 6,
  /** 429: rate or quota exceeded; retry later (`Retry-After` is printed when sent). */
  RATE_LIMITED: 7,
  /** A check failed: `bbk audit verify` found the audit log's hash chain broken (the first broken entry is named). */
  TAMPERED: 8,
  /** Interrupted by SIGINT. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit code for an HTTP status of a failed API call.
 * @example exitCodeForStatus(404) // 3
 */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 400 || status === 413) return EXIT.INVALID;
  if (status === 401 || status === 403 || status === 405) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 409) return EXIT.CONFLICT;
  if (status === 429) return EXIT.RATE_LIMITED;
  return EXIT.FAILURE;
}

/** An error the CLI raises itself, carrying its exit code and optional detail lines. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.FAILURE,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * A usage error (exit 2): what was wrong with the command line or its input files.
 * @example throw new UsageError('missing required value: --name (the user name)')
 */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, details: readonly string[] = []) {
    super(message, EXIT.USAGE, details);
  }
}

/**
 * The exit code for anything a command threw.
 * @example exitCodeFor(new BbkApiError({ status: 409, body: '' })) // 5
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof BbkApiError) return exitCodeForStatus(error.status);
  if (error instanceof BbkNetworkError) return EXIT.FAILURE;
  return EXIT.FAILURE;
}
