export * from './activity.js';
export * from './audit.js';
export * from './errors.js';
export * from './query.js';
export * from './schemas.js';
export * from './types.js';
export * from './webhook-signature.js';
