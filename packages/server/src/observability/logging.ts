import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DestinationStream, type Logger, pino } from 'pino';
import { ConfigError, type LogLevel } from '../config.js';
import { checkLogFile, LogBuffer } from './log-buffer.js';
import { RequestLog } from './request-log.js';

/**
 * A bbk token anywhere in a text, `<kind>.<key id>.<secret>` (auth/tokens.ts), whatever precedes
 * it (`%22consumer.…` in an encoded query has no word boundary before the kind).
 */
const TOKEN = /(coordinator|contributor|consumer)\.([A-Za-z0-9_-]{4,})\.[A-Za-z0-9_-]{16,}/gi;

/** Replaces every token-looking value's secret part (the key id stays: it names the token, it cannot be used). */
export function scrubTokens(text: string): string {
  return text.includes('.') ? text.replace(TOKEN, '$1.$2.[redacted]') : text;
}

/** How many times a text is percent-decoded in search of a token (`%252E` is `.` encoded twice). */
const DECODE_ROUNDS = 4;

/**
 * `scrubTokens`, also catching a token written percent-encoded, once or several times over (the text is then
 * logged decoded as far as it took to find it).
 */
function scrubEncoded(text: string): string {
  const scrubbed = scrubTokens(text);
  let current = text;
  for (let round = 0; round < DECODE_ROUNDS && current.includes('%'); round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      break;
    }
    if (decoded === current) break;
    const clean = scrubTokens(decoded);
    if (clean !== decoded) return clean;
    current = decoded;
  }
  return scrubbed;
}

/**
 * Paths pino removes from every log object, whatever logged it. Explicit paths only: a wildcard
 * (`*.token`) makes pino walk every object logged, about 20 µs a line (bench/README.md). The
 * request line itself holds no header and no body (http/observe.ts), and errors are scrubbed.
 */
export const REDACT_PATHS = [
  'req.headers["x-bbk-auth-token"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-bbk-auth-token"]',
  'headers.authorization',
  'token',
  'secret',
  'webhookSecret',
  'webhook_secret',
  'bootstrapToken',
  'body',
  'req.body',
];

/** A log destination of ours: a file to flush and close, or standard error (left open). */
export interface LogSink {
  logger: Logger;
  /** Writes the one line per request (http/observe.ts) to the logger's destination. */
  requestLog: RequestLog;
  close(): Promise<void>;
}

/**
 * The one pino logger the three listeners share, or undefined when the level is `silent`.
 * Lines are JSON, gathered in memory and written asynchronously in large chunks (`LogBuffer`:
 * at least every second, on close, and at process exit) to `file` (appended; its directory is
 * created) or to standard error.
 * @example const sink = createLogSink({ level: 'info', file: '/var/log/bbk.log' })
 */
export function createLogSink(options: { level: LogLevel; file: string | undefined }): LogSink | undefined {
  if (options.level === 'silent') return undefined;
  if (options.file !== undefined) {
    try {
      checkLogFile(options.file);
    } catch (err) {
      throw new ConfigError(`cannot write the log file ${options.file}: ${(err as Error).message}`);
    }
  }
  const out = new LogBuffer(options.file ?? 2, { mkdir: options.file !== undefined });
  const logger = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: scrubbedError },
    },
    out as unknown as DestinationStream,
  );
  return {
    logger,
    requestLog: new RequestLog(logger, out),
    close: () => out.close(options.file !== undefined),
  };
}

function scrubbedError(err: Error): Record<string, unknown> {
  const s = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  if (typeof s.message === 'string') s.message = scrubTokens(s.message);
  if (typeof s.stack === 'string') s.stack = scrubTokens(s.stack);
  return s;
}

/** An incoming `x-request-id` is kept when it is a plain token of up to 128 characters and no bbk token. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the caller's `x-request-id` when sane, else a random UUID.
 * @example requestId(req) // '5f0c…' or the incoming 'abc-123'
 */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && SANE_ID.test(incoming) && scrubTokens(incoming) === incoming) return incoming;
  return randomUUID();
}

const MAX_LOGGED_URL = 1024;

/**
 * The URL as logged: a session id in the path (a write capability) and token-looking values are
 * redacted, and it is cut to 1 KB.
 */
export function loggedUrl(url: string, params: unknown): string {
  let out = url;
  const sid = (params as { sid?: unknown } | undefined)?.sid;
  if (typeof sid === 'string' && sid !== '') out = out.split(sid).join('[sid]');
  out = scrubEncoded(out);
  return out.length > MAX_LOGGED_URL ? `${out.slice(0, MAX_LOGGED_URL)}…` : out;
}
