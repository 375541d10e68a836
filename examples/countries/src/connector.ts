import { type ConnectorTarget, type RetryOptions, withConnectorClient } from '@bbk/connector-kit';
import type { ContributeResult, Progress, SessionMode } from '@bbk/sdk';
import { type CountrySource, loadCountries } from './data.js';
import { countryRecord } from './records.js';

/** Options of `runCountriesConnector`. */
export interface CountriesConnectorOptions extends ConnectorTarget {
  /** Session mode. Default `stream`: each batch is visible as soon as it is acknowledged. */
  mode?: SessionMode;
  /** Countries to contribute. Default the bundled 199. */
  countries?: CountrySource[];
  onProgress?: (progress: Progress) => void;
  retry?: RetryOptions;
}

/**
 * Contributes the countries in one session (stream by default), without their private keys.
 * @example await runCountriesConnector({ contributorUrl: 'http://localhost:8002/v1', token, connectorId });
 */
export async function runCountriesConnector(options: CountriesConnectorOptions): Promise<ContributeResult> {
  const { mode = 'stream', countries = loadCountries(), ...client } = options;
  return withConnectorClient(client, (connector) => connector.contribute(mode, countries.map(countryRecord)));
}
