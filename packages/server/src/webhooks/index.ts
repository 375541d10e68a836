export { type CallOutcome, HealthBook, type WebhookHealth } from './health.js';
export { ReplyCache, type ReplyCacheOptions } from './reply-cache.js';
export { SIGNATURE_HEADER, signWebhookRequest, verifyWebhookSignature } from './signature.js';
export {
  type EntityExtras,
  pathSegment,
  type TimeseriesQuery,
  WebhookClient,
  type WebhookClientOptions,
  type WebhookTarget,
} from './webhook-client.js';
