import { readFileSync } from 'node:fs';
import type { StationRecord } from './entity-type.js';

/** The source: a JSON array of records in the upsert shape, private `_` keys included. */
export const DATA_FILE = new URL('../data/records.json', import.meta.url);

/**
 * Every record of the source. The kit strips `_` keys before anything is sent.
 * @example for (const record of readRecords()) console.log(record.id);
 */
export function readRecords(): StationRecord[] {
  return JSON.parse(readFileSync(DATA_FILE, 'utf8')) as StationRecord[];
}
