import { beforeAll, describe, expect, it } from 'vitest';
import { type CatalogDb, countries, createCatalogDb, type TestRecord } from './testing/catalog-db.js';

// The query examples of the original Consumer API documentation, checked against
// a plain JavaScript filter over the same records.
const all = countries();
let cat: CatalogDb;
beforeAll(() => {
  cat = createCatalogDb(all);
});

type Entity = {
  capital: string;
  population: number;
  continent: string;
  languages: string[];
  location: { coordinates: [number, number] };
};
const e = (r: TestRecord) => r.entity as unknown as Entity;
const expectMatch = (q: unknown, filter: (r: TestRecord) => boolean) => {
  const expected = all.filter(filter).map((r) => r.id);
  expect(cat.ids(q)).toEqual(expected);
  return expected;
};

describe('documented catalog queries on the country data', () => {
  it('implicit equality and $eq / $ne', () => {
    expect(expectMatch({ name: 'India' }, (r) => r.name === 'India')).toEqual(['IN']);
    expect(expectMatch({ 'entity.capital': { $eq: 'London' } }, (r) => e(r).capital === 'London')).toEqual(['GB']);
    expectMatch({ 'entity.capital': { $ne: 'Paris' } }, (r) => e(r).capital !== 'Paris');
  });

  it('$lt $lte $gt $gte on numbers and names', () => {
    expectMatch({ 'entity.population': { $lt: 100000 } }, (r) => e(r).population < 100000);
    expectMatch({ 'entity.population': { $lte: 100000 } }, (r) => e(r).population <= 100000);
    expectMatch({ 'entity.population': { $gt: 100000 } }, (r) => e(r).population > 100000);
    expectMatch({ 'entity.population': { $gte: 100000 } }, (r) => e(r).population >= 100000);
    expectMatch({ name: { $lt: 'China' } }, (r) => r.name < 'China');
    expectMatch({ name: { $gt: 'Mexico' } }, (r) => r.name > 'Mexico');
  });

  it('$in / $nin', () => {
    const names = ['United Kingdom', 'India', 'France'];
    expect(expectMatch({ name: { $in: names } }, (r) => names.includes(r.name))).toHaveLength(3);
    expectMatch({ name: { $nin: names } }, (r) => !names.includes(r.name));
  });

  it('$contains', () => {
    expectMatch({ 'entity.languages': { $contains: ['Japanese'] } }, (r) => e(r).languages.includes('Japanese'));
    expectMatch(
      { 'entity.languages': { $contains: ['English', 'French'] } },
      (r) => e(r).languages.includes('English') && e(r).languages.includes('French'),
    );
    expect(
      expectMatch(
        { 'entity.location.coordinates': { $contains: [-3.435973, 55.378051] } },
        (r) => e(r).location.coordinates.includes(-3.435973) && e(r).location.coordinates.includes(55.378051),
      ),
    ).toEqual(['GB']);
  });

  it('$and / $or / $nor', () => {
    const europe = (r: TestRecord) => e(r).continent === 'Europe';
    const big = (r: TestRecord) => e(r).population > 50000000;
    expectMatch(
      { $and: [{ 'entity.continent': 'Europe' }, { 'entity.population': { $gt: 50000000 } }] },
      (r) => europe(r) && big(r),
    );
    expectMatch(
      { $or: [{ 'entity.continent': 'Europe' }, { 'entity.population': { $gt: 50000000 } }] },
      (r) => europe(r) || big(r),
    );
    expectMatch(
      { $nor: [{ name: 'United Kingdom' }, { 'entity.population': { $gt: 50000000 } }] },
      (r) => !(r.name === 'United Kingdom' || big(r)),
    );
  });

  it('$regex with $options', () => {
    expect(
      expectMatch({ name: { $regex: 'United .*', $options: 'i' } }, (r) => /United .*/i.test(r.name)).length,
    ).toBeGreaterThan(2);
    expectMatch({ name: { $regex: 'united' } }, (r) => /united/.test(r.name));
    expectMatch({ 'entity.capital': { $regex: '^[A-C].*a$' } }, (r) => /^[A-C].*a$/.test(e(r).capital));
  });

  it('timeseries declaration copy', () => {
    expect(cat.ids({ 'timeseries.population.value': 'people' })).toHaveLength(all.length);
    expect(cat.ids({ 'timeseries.noise.unit': 'decibel' })).toEqual([]);
  });

  it('the vendor id is queryable', () => {
    expect(cat.ids({ id: { $in: ['GB', 'FR', 'XX'] } })).toEqual(['FR', 'GB']);
  });

  it('the landlocked boolean is not the number 1', () => {
    expectMatch({ 'entity.landlocked': true }, (r) => r.entity.landlocked === true);
    expect(cat.ids({ 'entity.landlocked': 1 })).toEqual([]);
  });
});
