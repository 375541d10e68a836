import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TokenKind } from '../../storage/types.js';

/** Test instrumentation: the directory named by this variable receives every answer of the process. */
export const RECORD_ENV = 'BBK_OPENAPI_RECORD';

/** Bodies longer than this are recorded without their text (status, type and headers still are). */
const MAX_RECORDED_BODY = 1024 * 1024;

/** Response headers the OpenAPI documents declare, kept with each recorded answer. */
const RECORDED_HEADERS = [
  'location',
  'retry-after',
  'etag',
  'x-bbk-webhook',
  'ratelimit-policy',
  'ratelimit',
  'x-bbk-suspended',
] as const;

/** One recorded answer: a line of `<dir>/<pid>.jsonl`. */
export interface RecordedResponse {
  surface: TokenKind;
  basePath: string;
  method: string;
  /** The route pattern as registered (`/v1/entity/:eid`), `null` when no route matched. */
  route: string | null;
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  /** The body as sent, `null` when over 1 MB or not text (a stream). */
  body: string | null;
}

function bodyText(payload: unknown): string | null {
  if (payload === null || payload === undefined) return '';
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  return text !== null && text.length <= MAX_RECORDED_BODY ? text : null;
}

/**
 * When `BBK_OPENAPI_RECORD=<dir>` is set (the test suite sets it), appends every answer of the
 * surface to `<dir>/<pid>.jsonl`, one JSON line each, so the suite can check them all against the
 * OpenAPI documents afterwards (docs/API-REFERENCE.md). Unset or `off`, nothing is registered: no cost.
 * Registered last, so it sees the answer as sent (ETag and 304 included). Tokens are in bodies
 * the tests receive anyway; the files live in a temporary directory of the test run.
 */
export function recordResponses(app: FastifyInstance, surface: TokenKind, basePath: string): void {
  const dir = process.env[RECORD_ENV];
  if (!dir || dir === 'off') return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.jsonl`);
  app.addHook('onSend', async (req, reply, payload) => {
    const headers: Record<string, string> = {};
    for (const name of RECORDED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const type = reply.getHeader('content-type');
    const line: RecordedResponse = {
      surface,
      basePath,
      method: req.method,
      route: req.routeOptions?.url ?? null,
      status: reply.statusCode,
      contentType: type === undefined ? null : String(type),
      headers,
      body: bodyText(payload),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    return payload;
  });
}
