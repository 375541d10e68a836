import { createRequire } from 'node:module';

/**
 * The version of the `@bbk/cli` package (read from its package.json next to `dist/`).
 * @example cliVersion() // '0.1.0'
 */
export function cliVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
