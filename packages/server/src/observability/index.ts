import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export { createLogSink, type LogSink, loggedUrl, REDACT_PATHS, requestId, scrubTokens } from './logging.js';
export { Metrics, type SessionEvent, type WebhookFailure } from './metrics.js';

/** Where the server reports: the shared request logger and the metrics, either of which may be off. */
export interface Observers {
  logger: Logger | undefined;
  metrics: Metrics | undefined;
}
