/**
 * @bbk/sdk: typed clients of the bbk (BitBroker-compatible) Coordinator, Contributor and Consumer APIs.
 * @example
 * import { createBbk } from '@bbk/sdk';
 * const bbk = createBbk({ token: 'abc123', audience: 'over-a-billion' });
 * console.log(await bbk.consumer.catalog({ 'entity.population': { $gt: 1e9 } }));
 *
 * It re-exports everything of `@bbk/sdk/browser` and adds what needs Node or only Node uses.
 */

export { type Bbk, type BbkOptions, type BbkTokens, createBbk } from './bbk.js';
export * from './browser.js';
export type { TimeseriesAllOptions } from './consumer.js';
export {
  AccessesApi,
  AuditApi,
  CatalogApi,
  type CatalogExplain,
  type CatalogExplainOptions,
  ConnectorsApi,
  EntityTypesApi,
  MAX_AUDIT_PAGE,
  PoliciesApi,
  SearchApi,
  UsersApi,
  type ViolationFilter,
  ViolationsApi,
} from './coordinator/index.js';
export type { ApiErrorInit } from './errors.js';
export {
  DEFAULT_RETRY,
  MAX_TIMESERIES_PAGE,
  offsetPageList,
  offsetPages,
  type RetryOptions,
  retrying,
  TIMESERIES_FLOOR,
  type TimeseriesOptions,
  timeseriesPageList,
  timeseriesPages,
  toIso,
} from './paging.js';
export * from './protocol/index.js';
export { parseRateLimit, type RateLimitInfo, type RateLimitState } from './rate-limit.js';
export {
  type AnyIterable,
  type ContributeResult,
  contribute,
  MAX_BATCH_SIZE,
  type Progress,
  Session,
  type SessionOptions,
  type SessionTransport,
  withSession,
} from './session.js';
