import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import type { RequestLog } from './request-log.js';

export { createLogSink, type LogSink, loggedUrl, REDACT_PATHS, requestId, scrubTokens } from './logging.js';
export { type ApiLatency, Metrics, type SessionEvent, type WebhookFailure } from './metrics.js';
export { type RequestLevel, type RequestLine, RequestLog } from './request-log.js';

/** Where the server reports: the shared request logger and the metrics, either of which may be off. */
export interface Observers {
  logger: Logger | undefined;
  /** The one line per request, written to the logger's destination (undefined when the logger is). */
  requestLog: RequestLog | undefined;
  metrics: Metrics | undefined;
}
