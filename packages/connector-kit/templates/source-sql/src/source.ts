import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { StationRecord } from './entity-type.js';

/** The source database; created from `data/seed.sql` the first time it is opened. Set BBK_SOURCE_DB to use another. */
export const DATABASE_FILE = process.env.BBK_SOURCE_DB ?? fileURLToPath(new URL('../data/records.db', import.meta.url));
const SEED_FILE = new URL('../data/seed.sql', import.meta.url);

interface StationRow {
  id: string;
  name: string;
  city: string;
  country: string;
  capacity: number;
  longitude: number;
  latitude: number;
  opened: number | null;
  contact: string | null;
}

/** Opens the database read-write, seeding it when the file does not exist yet. */
export function openDatabase(file: string = DATABASE_FILE): Database.Database {
  const seed = !existsSync(file);
  const db = new Database(file);
  if (seed) db.exec(readFileSync(SEED_FILE, 'utf8'));
  return db;
}

/**
 * Every record of the source, read lazily with a cursor (rows are mapped one at a time, so a large table
 * is never loaded at once). The contact column becomes the private `_contact` key.
 * @example for (const record of readRecords()) console.log(record.id);
 */
export function* readRecords(): Generator<StationRecord> {
  const db = openDatabase();
  try {
    const rows = db.prepare('SELECT * FROM stations ORDER BY id').iterate() as IterableIterator<StationRow>;
    for (const row of rows) {
      yield {
        id: row.id,
        name: row.name,
        entity: {
          city: row.city,
          country: row.country,
          capacity: row.capacity,
          location: { type: 'Point' as const, coordinates: [row.longitude, row.latitude] as [number, number] },
        },
        ...(row.opened === null ? {} : { instance: { opened: row.opened } }),
        ...(row.contact === null ? {} : { _contact: row.contact }),
      };
    }
  } finally {
    db.close();
  }
}
