/**
 * @bbk/cli: the `bbk` command. The executable is `dist/cli.js`; this entry exports the types that
 * command modules (including ones added later, like `demo` and `connector init`) are written against.
 * @example import type { CommandContext, Output } from '@bbk/cli';
 */
export type { CommandContext } from './lib/context.js';
export { CliError, EXIT, type ExitCode, UsageError } from './lib/exit-codes.js';
export type { Format, Output } from './lib/output.js';
