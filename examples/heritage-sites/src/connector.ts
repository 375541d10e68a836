import { type ConnectorTarget, type RetryOptions, withConnectorClient } from '@bbk/connector-kit';
import type { ContributeResult, Progress } from '@bbk/sdk';
import { type HeritageCategory, type HeritageSource, loadHeritageSites } from './data.js';
import { heritageRecord } from './records.js';

/** Options of `runHeritageConnector`. */
export interface HeritageConnectorOptions extends ConnectorTarget {
  /** Which list this connector contributes. */
  category: HeritageCategory;
  /** Contribution id of the countries connector, for the country links. */
  countryConnectorId: string;
  /** Sites to contribute. Default the bundled list of `category`. */
  sites?: HeritageSource[];
  onProgress?: (progress: Progress) => void;
  retry?: RetryOptions;
}

/**
 * Contributes one list of sites in a replace session: afterwards the connector holds exactly these
 * sites; if anything fails the session is rolled back and the catalog keeps the previous set.
 * @example await runHeritageConnector({ contributorUrl, token, connectorId, category: 'natural', countryConnectorId });
 */
export async function runHeritageConnector(options: HeritageConnectorOptions): Promise<ContributeResult> {
  const { category, countryConnectorId, sites = loadHeritageSites(category), ...client } = options;
  const records = sites.map((site) => heritageRecord(site, countryConnectorId));
  return withConnectorClient(client, (connector) => connector.replace(records));
}
