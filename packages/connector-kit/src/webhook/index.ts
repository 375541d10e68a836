export { parseIsoDate } from './iso-date.js';
export { parseTimeseriesQuery, type TimeseriesQuery } from './params.js';
export { type PointInput, type PointWindow, shapePoints } from './points.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  type SignatureFailure,
  type SignedRequest,
  signWebhookRequest,
  type VerifyOptions,
  verifyWebhookSignature,
} from './signature.js';
export {
  createWebhook,
  type EntityExtras,
  type Webhook,
  type WebhookCall,
  type WebhookHandlers,
  type WebhookOptions,
} from './webhook.js';
