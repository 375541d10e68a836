import { describe, expect, it } from 'vitest';
import { loadCountries } from './data.js';
import { countryRecord, populationSeries } from './records.js';
import { countryExtras } from './webhook.js';

const countries = loadCountries();
const gb = countries.find((c) => c.id === 'GB');
if (!gb) throw new Error('GB missing from the data set');

describe('country data', () => {
  it('has the 199 countries with unique ISO codes', () => {
    expect(countries).toHaveLength(199);
    expect(new Set(countries.map((c) => c.id)).size).toBe(199);
    expect(countries.every((c) => c.id === c.entity.code)).toBe(true);
  });

  it('contributes id, name, entity and instance only', () => {
    const record = countryRecord(gb);
    expect(Object.keys(record).sort()).toEqual(['entity', 'id', 'instance', 'name']);
    expect(record.entity.capital).toBe('London');
    expect(JSON.stringify(countries.map(countryRecord))).not.toMatch(/"_/);
  });

  it('turns `_population` into ISO points, dropping entries without a year', () => {
    const series = populationSeries(gb);
    expect(series[0]).toEqual({ from: '1960-01-01T00:00:00.000Z', value: gb._population[0]?.value });
    const kr = countries.find((c) => c.id === 'KR');
    expect(kr?._population.some((p) => p.from === undefined)).toBe(true);
    expect(
      populationSeries(kr ?? gb).every((p) => typeof p.from === 'string' && p.from.endsWith('-01-01T00:00:00.000Z')),
    ).toBe(true);
    expect(populationSeries(kr ?? gb)).toHaveLength((kr?._population.length ?? 0) - 1);
  });

  it('serves the latest population and the Wikidata page as live extras', () => {
    const latest = Math.max(...gb._population.flatMap((p) => (p.from === undefined ? [] : [p.from])));
    expect(countryExtras(gb, Date.UTC(2024, 0, 1))).toEqual({
      entity: { population_latest: { year: latest, value: gb._population.find((p) => p.from === latest)?.value } },
      instance: { wikidata: `https://www.wikidata.org/wiki/${gb._wikidata}`, retrieved: '2024-01-01T00:00:00.000Z' },
    });
  });
});
