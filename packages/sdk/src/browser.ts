/**
 * @bbk/sdk/browser: the typed clients for browsers (the web console). The same clients as `@bbk/sdk`,
 * without what needs Node (undici, webhook signatures); pass `fetch` to each client.
 * @example
 * import { CoordinatorClient } from '@bbk/sdk/browser';
 * const coordinator = new CoordinatorClient({ baseUrl, token, fetch: globalThis.fetch.bind(globalThis) });
 */

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
  type TimeseriesPage,
  WebhookFailedError,
  type WebhookStatus,
} from './consumer.js';
export { ContributorClient } from './contributor.js';
export { CoordinatorClient, type Created } from './coordinator/index.js';
export { type ApiErrorCode, BbkApiError, BbkNetworkError, codeForStatus, type NetworkErrorKind } from './errors.js';
export { type ListOptions, MAX_PAGE_SIZE, type Paging } from './paging.js';
export * from './protocol/errors.js';
export * from './protocol/query.js';
export type * from './protocol/types.js';
export { buildUrl, encodeSegment, path, type QueryParams } from './url.js';
