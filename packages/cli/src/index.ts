/**
 * @bbk/cli: the `bbk` command. The executable is `dist/bundle/cli.js` (`dist/cli.js` bundled by
 * scripts/build-cli.mjs); this entry exports the types that command modules (including ones added later, like
 * `demo` and `connector init`) are written against.
 * @example import type { CommandContext, Output } from '@bbk/cli';
 */
export type { CommandContext } from './lib/context.js';
export { CliError, EXIT, type ExitCode, UsageError } from './lib/exit-codes.js';
export type { Format, Output } from './lib/output.js';
