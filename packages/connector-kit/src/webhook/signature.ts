// The one implementation lives in the SDK's protocol module, shared with the server that signs.
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  type SignatureFailure,
  type SignedRequest,
  signWebhookRequest,
  type VerifyOptions,
  verifyWebhookSignature,
} from '@bbk/sdk/protocol';
