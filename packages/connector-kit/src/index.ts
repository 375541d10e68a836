/**
 * @bbk/connector-kit: build bbk data connectors. A retrying, batching session client on top of
 * `@bbk/sdk`, a webhook server for the calls bbk makes to connectors, and (in `@bbk/connector-kit/testing`)
 * a contract test that runs a connector against a real embedded bbk server.
 * @example
 * import { createConnectorClient, connectorTargetFromEnv } from '@bbk/connector-kit';
 * const client = createConnectorClient(connectorTargetFromEnv());
 * await client.replace(records);
 */
export {
  ConnectorClient,
  type ConnectorClientOptions,
  type ConnectorTarget,
  type ContributionOptions,
  connectorTargetFromEnv,
  createConnectorClient,
  isContributionId,
  withConnectorClient,
} from './connector-client.js';
export { isPlainObject, PRIVATE_PREFIX, privatePaths, type SourceRecord, stripPrivate } from './private-keys.js';
export { backoffDelay, isAmbiguous, isRetryable, type RetryInfo, type RetryOptions, withRetry } from './retry.js';
export { TEMPLATES_DIR } from './templates.js';
export { CommitUnknownError, KitTransport } from './transport.js';
export * from './webhook/index.js';
