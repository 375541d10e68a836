import type { PointInput } from '@bbk/connector-kit';
import type { RecordInput } from '@bbk/sdk';
import type { CountryEntity, CountrySource } from './data.js';

/**
 * The catalog record of a country: id, name, entity, instance; the private `_` keys stay behind.
 * @example countryRecord(gb) // { id: 'GB', name: 'United Kingdom', entity: { capital: 'London', … }, instance: { independence: 1066 } }
 */
export function countryRecord(country: CountrySource): RecordInput<CountryEntity> {
  const { id, name, entity, instance } = country;
  return instance ? { id, name, entity, instance } : { id, name, entity };
}

/**
 * The `population` timeseries of a country: each yearly figure `{ from: year, value }` becomes a point
 * `{ from: '<year>-01-01T00:00:00.000Z', value }`. Entries without a year cannot be placed and are dropped.
 * @example populationSeries(gb)[0] // { from: '1960-01-01T00:00:00.000Z', value: 52400000 }
 */
export function populationSeries(country: CountrySource): PointInput<number>[] {
  return country._population
    .filter((entry): entry is Required<typeof entry> => Number.isInteger(entry.from))
    .map((entry) => ({ from: yearStart(entry.from), value: entry.value }));
}

/** `1960` → `1960-01-01T00:00:00.000Z` (setUTCFullYear, because Date.UTC maps years 0–99 to 1900–1999). */
function yearStart(year: number): string {
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.toISOString();
}
