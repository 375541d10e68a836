import { type ConnectorTarget, isContributionId, type RetryOptions, withConnectorClient } from '@bbk/connector-kit';
import type { HeritageCategory } from '@bbk/example-heritage-sites';
import type { ContributeResult, Progress } from '@bbk/sdk';
import Database from 'better-sqlite3';
import type { SiteRow } from './database.js';
import { rowRecord } from './records.js';

/** Options of `runHeritageSqlConnector`. */
export interface HeritageSqlConnectorOptions extends ConnectorTarget {
  /** Path of the SQLite database (see `buildHeritageDatabase`). */
  database: string;
  category: HeritageCategory;
  /** Contribution id of the countries connector, for the country links. */
  countryConnectorId: string;
  onProgress?: (progress: Progress) => void;
  retry?: RetryOptions;
}

/**
 * Streams one category of sites out of the database into a replace session: rows are read lazily
 * (a cursor, not a full load) and sent 250 at a time; a failure rolls the session back.
 * @example await runHeritageSqlConnector({ contributorUrl, token, connectorId, database: 'heritage.db', category: 'natural', countryConnectorId });
 */
export async function runHeritageSqlConnector(options: HeritageSqlConnectorOptions): Promise<ContributeResult> {
  const { database, category, countryConnectorId, ...client } = options;
  if (!isContributionId(countryConnectorId)) {
    throw new TypeError(
      `the countries connector's contribution id must be 40 lower-case hex characters, got "${countryConnectorId}"`,
    );
  }
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    const total = (db.prepare('SELECT count(*) AS n FROM sites WHERE category = ?').get(category) as { n: number }).n;
    const rows = db
      .prepare('SELECT * FROM sites WHERE category = ? ORDER BY rowid')
      .iterate(category) as IterableIterator<SiteRow>;
    function* records() {
      for (const row of rows) yield rowRecord(row, countryConnectorId);
    }
    return await withConnectorClient(client, (connector) => connector.replace(records(), { total }));
  } finally {
    db.close();
  }
}
