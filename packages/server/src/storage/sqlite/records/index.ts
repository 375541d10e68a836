export type { RecordColumns } from './columns.js';
export { SqliteRecords } from './sqlite-records.js';
export { WriterThread } from './writer-client.js';
export { type AsyncCatalogWrites, type CatalogWrites, catalogWrites, localWrites, type RecordKey } from './writes.js';
