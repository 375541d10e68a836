import { BbkApiError, BbkNetworkError, type ValidationItem } from '@bbk/sdk';
import { CliError, exitCodeFor } from './exit-codes.js';

/** What `--json` prints on stderr for a failure. */
export interface ErrorReport {
  error: {
    exit: number;
    message: string;
    status?: number;
    reason?: string;
    items?: ValidationItem[];
    details?: string[];
    request?: string;
  };
}

/**
 * Describes a failure as data (for `--json`) and as text lines (for humans).
 * @example formatError(err).lines.join('\n')
 */
export function formatError(error: unknown): { report: ErrorReport; lines: string[] } {
  const exit = exitCodeFor(error);
  if (error instanceof BbkApiError) {
    const request = error.method && error.url ? `${error.method} ${error.url}` : undefined;
    const head = `${error.status} ${error.reason}${error.serverMessage ? `: ${error.serverMessage}` : ''}`;
    const lines = [`${head}${request ? ` (${request})` : ''}`];
    for (const item of error.items) lines.push(`  - ${itemName(item)}: ${item.reason}`);
    const hint = hintFor(error);
    if (hint) lines.push(hint);
    const report: ErrorReport = {
      error: { exit, message: error.message, status: error.status, reason: error.reason, items: error.items },
    };
    if (request) report.error.request = request;
    return { report, lines };
  }
  if (error instanceof BbkNetworkError) {
    const cause = error.cause instanceof Error ? describeCause(error.cause) : '';
    const lines = [`cannot get an answer from ${error.url} (${error.kind}${cause ? `: ${cause}` : ''})`];
    if (error.kind === 'network')
      lines.push('  Is the server running (bbk start) and is the URL right (--*-url, BBK_*_URL, bbk login)?');
    return { report: { error: { exit, message: error.message, request: `${error.method} ${error.url}` } }, lines };
  }
  if (error instanceof CliError) {
    const lines = [error.message, ...error.details.map((d) => `  ${d}`)];
    const report: ErrorReport = { error: { exit, message: error.message } };
    if (error.details.length) report.error.details = [...error.details];
    return { report, lines };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { report: { error: { exit, message } }, lines: [message] };
}

/** The arrays of the API's bodies whose items a validation item's `index` can name (spec §1.8). */
const ARRAYS = new Set(['records', 'legal_context', 'field_masks', 'tags', 'indexes']);

/**
 * `records[3].entity.area`, `policy.legal_context[0].type`: the spec reports the first array index apart (§1.8), so
 * it is put back after the first segment that names one of the bodies' arrays (or the last segment, when the name
 * has one alone); otherwise it is said apart, `name (item 3)`, rather than guessed.
 */
export function itemName(item: ValidationItem): string {
  if (item.index === null) return item.name;
  const segments = item.name.split('.');
  const at = segments.length === 1 ? 0 : segments.findIndex((s) => ARRAYS.has(s.replace(/\[.*$/, '')));
  if (at < 0) return `${item.name} (item ${item.index})`;
  segments[at] = `${segments[at]}[${item.index}]`;
  return segments.join('.');
}

function hintFor(error: BbkApiError): string | undefined {
  if (error.status === 401 && error.serverMessage === 'token expired')
    return '  The token expired: a coordinator can reissue it (bbk access reissue, bbk connector reissue).';
  if (error.status === 401) {
    const session = /\/session\//.test(error.url ?? '')
      ? ' A contributor session also ends when another one is opened for the connector.'
      : '';
    return `  The token is missing, invalid or for another API: pass --token, set BBK_TOKEN, or run "bbk login".${session}`;
  }
  if (error.status === 403) return '  The token was revoked, or the consumer policy does not exist (any more).';
  if (error.status === 409)
    return '  It already exists, or conflicts with the current state (e.g. promoting a coordinator).';
  if (error.status === 405)
    return '  The server refuses this action for the calling user (e.g. demoting or deleting yourself).';
  if (error.status === 429) {
    const after = error.retryAfterSeconds;
    return `  Rate or quota exceeded${after === undefined ? '' : `; retry after ${after} s`}.`;
  }
  return undefined;
}

function describeCause(cause: Error): string {
  const code = (cause as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : cause.message;
}
