import type { TokenLifetime } from '@bbk/sdk';

/**
 * The SDK's token lifetime option from `--expires` (the server checks the value: a duration such as
 * `90d` or a future ISO-8601 time; a bad one is a 400 on `expires`, exit 6).
 * @example lifetime({ expires: '90d' }) // { expires: '90d' }
 */
export function lifetime(options: { expires?: string }): TokenLifetime {
  return options.expires === undefined ? {} : { expires: options.expires };
}

/**
 * The end of a success message about a token issued with `--expires`.
 * @example until({ expires: '90d' }) // ' (the token expires in 90d)'
 */
export function until(options: { expires?: string }): string {
  if (options.expires === undefined) return '';
  const duration = /^\d+[smhdw]$/.test(options.expires);
  return ` (the token expires ${duration ? 'in' : 'at'} ${options.expires})`;
}
