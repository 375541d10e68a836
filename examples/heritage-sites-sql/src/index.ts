/**
 * @bbk/example-heritage-sites-sql: the heritage sites connector over a relational source. The sites live in
 * a SQLite table (built from the JSON lists by `buildHeritageDatabase`), are read with a cursor and mapped
 * row by row to catalog records.
 * @example buildHeritageDatabase('heritage.db'); await runHeritageSqlConnector({ ...target, database: 'heritage.db', category: 'natural', countryConnectorId });
 */
export { type HeritageSqlConnectorOptions, runHeritageSqlConnector } from './connector.js';
export { buildHeritageDatabase, HERITAGE_SCHEMA, type SiteRow } from './database.js';
export { rowRecord } from './records.js';
