import { readFileSync } from 'node:fs';

/** A country's catalog data (the `entity` section). */
export interface CountryEntity {
  area: number;
  calling_code: number;
  capital: string;
  /** ISO 3166-1 alpha-2, also the record id. */
  code: string;
  continent: string;
  currency: { code: string; name: string };
  landlocked: boolean;
  languages: string[];
  location: { type: 'Point'; coordinates: [number, number] };
  population: number;
  link: string;
}

/** One yearly population figure; a few source entries lack the year. */
export interface PopulationEntry {
  from?: number;
  value: number;
}

/** A country as the source file holds it: the record plus connector-private `_` keys. */
export interface CountrySource {
  id: string;
  name: string;
  entity: CountryEntity;
  instance?: { independence: number };
  /** Wikidata item id, e.g. `Q145`: private, served live by the webhook. */
  _wikidata: string;
  /** Yearly population: private, served as the `population` timeseries. */
  _population: PopulationEntry[];
}

/** The bundled data set: 199 countries (Wikipedia, World Bank; Apache-2.0 BitBroker examples). */
export const COUNTRIES_FILE = new URL('../data/country.json', import.meta.url);

let cached: CountrySource[] | undefined;

/**
 * The 199 countries of the bundled data set, read once.
 * @example loadCountries().find((c) => c.id === 'GB')?.entity.capital // 'London'
 */
export function loadCountries(): CountrySource[] {
  cached ??= JSON.parse(readFileSync(COUNTRIES_FILE, 'utf8')) as CountrySource[];
  return cached;
}
