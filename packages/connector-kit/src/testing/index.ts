/**
 * @bbk/connector-kit/testing: the contract test a connector author runs against their own session
 * and webhook code, on a real embedded bbk server. Needs `@bbk/server` (a dev dependency of the connector).
 * @example
 * import { runContractTest } from '@bbk/connector-kit/testing';
 * await runContractTest({ entityType: 'country', records: loadCountries, contribute: runCountries, webhook: startWebhook });
 */

export type { SourceRecord } from '../private-keys.js';
export {
  type ContractReport,
  ContractTestError,
  type ContractTestOptions,
  runContractTest,
  type StartedWebhook,
} from './contract.js';
export { consumerView, jsonEqual, publicId } from './expect.js';
