// Webhook signing (spec §9, docs/WEBHOOKS.md): one implementation, shared with the connector kit
// that verifies, in the SDK's protocol module.
export { SIGNATURE_HEADER, signWebhookRequest, verifyWebhookSignature } from '@bbk/sdk/protocol';
