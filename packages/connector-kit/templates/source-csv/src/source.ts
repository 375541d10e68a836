import { readFileSync } from 'node:fs';
import type { StationRecord } from './entity-type.js';

/** The source: a CSV file with a header row (RFC 4180: quotes, doubled quotes, commas and newlines in quotes). */
export const DATA_FILE = new URL('../data/records.csv', import.meta.url);

/**
 * Every record of the source: one per data row, columns mapped into the record shape.
 * Columns starting with `_` stay private (the kit strips them before anything is sent).
 * @example for (const record of readRecords()) console.log(record.id);
 */
export function readRecords(): StationRecord[] {
  const [header, ...rows] = parseCsv(readFileSync(DATA_FILE, 'utf8'));
  if (!header) return [];
  return rows.map((cells, i) => {
    const row = Object.fromEntries(header.map((column, c) => [column, cells[c] ?? '']));
    const number = (column: string) => {
      const value = Number(row[column]);
      if (row[column] === '' || Number.isNaN(value)) throw new Error(`row ${i + 2}: ${column} "${row[column]}" is not a number`);
      return value;
    };
    return {
      id: row.id ?? '',
      name: row.name ?? '',
      entity: {
        city: row.city ?? '',
        country: row.country ?? '',
        capacity: number('capacity'),
        location: { type: 'Point' as const, coordinates: [number('longitude'), number('latitude')] as [number, number] },
      },
      ...(row.opened ? { instance: { opened: number('opened') } } : {}),
      _contact: row._contact,
    };
  });
}

/**
 * Splits CSV text into rows of cells.
 * @example parseCsv('a,"b ""c"""\n1,2') // [['a', 'b "c"'], ['1', '2']]
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows.filter((r) => r.some((c) => c !== ''));
}
