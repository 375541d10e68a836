/**
 * @bbk/sdk: typed clients of the bbk (BitBroker-compatible) Coordinator, Contributor and Consumer APIs.
 * @example
 * import { createBbk } from '@bbk/sdk';
 * const bbk = createBbk({ token: 'abc123', audience: 'over-a-billion' });
 * console.log(await bbk.consumer.catalog({ 'entity.population': { $gt: 1e9 } }));
 */

export { type Bbk, type BbkOptions, type BbkTokens, createBbk } from './bbk.js';
export {
  type ClientInit,
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  parseBody,
} from './client.js';
export {
  ConsumerClient,
  type ConsumerOptions,
  consumerHeaders,
  type PageOptions,
  type TimeseriesAllOptions,
  type TimeseriesPage,
  WebhookFailedError,
  type WebhookStatus,
} from './consumer.js';
export { ContributorClient } from './contributor.js';
export {
  AccessesApi,
  AuditApi,
  ConnectorsApi,
  CoordinatorClient,
  type Created,
  EntityTypesApi,
  MAX_AUDIT_PAGE,
  PoliciesApi,
  SearchApi,
  UsersApi,
  type ViolationFilter,
  ViolationsApi,
} from './coordinator/index.js';
export {
  type ApiErrorCode,
  type ApiErrorInit,
  BbkApiError,
  BbkNetworkError,
  codeForStatus,
  type NetworkErrorKind,
} from './errors.js';
export {
  DEFAULT_RETRY,
  MAX_PAGE_SIZE,
  MAX_TIMESERIES_PAGE,
  offsetPageList,
  offsetPages,
  type Paging,
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
export { buildUrl, encodeSegment, path, type QueryParams } from './url.js';
