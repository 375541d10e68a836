export {
  type AccessControl,
  type Admission,
  type LimitState,
  type LimitStatus,
  Limits,
  type LimitsOptions,
} from './limits.js';
export {
  type QuotaCount,
  QuotaCounter,
  type QuotaInterval,
  quotaWindow,
  type SharedAdmission,
  type SharedCall,
  type UsageDelta,
  type UsageStore,
  windowEnd,
} from './quota-counter.js';
export { RateLimiter } from './rate-limiter.js';
