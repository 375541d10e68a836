export * from './errors.js';
export * from './openapi/index.js';
export * from './query.js';
export * from './responses.js';
export * from './schemas.js';
export * from './types.js';
export * from './webhook-signature.js';
