import { describe, expect, it } from 'vitest';
import { compileQuery, type FieldMask, parseFieldMask, removePath, renderSqlite } from './index.js';
import { countries, createCatalogDb, type TestRecord } from './testing/catalog-db.js';

describe('parseFieldMask', () => {
  it.each<[string, FieldMask | null]>([
    ['country.entity.currency', { type: 'country', path: ['entity', 'currency'] }],
    ['country.instance.independence', { type: 'country', path: ['instance', 'independence'] }],
    ['country.entity.currency.name', { type: 'country', path: ['entity', 'currency', 'name'] }],
    ['country.capital', { type: 'country', path: ['entity', 'capital'] }],
    ['country.currency.name', { type: 'country', path: ['entity', 'currency', 'name'] }],
    ['country.timeseries.population', { type: 'country', path: ['timeseries', 'population'] }],
    ['country.timeseries.population.unit', { type: 'country', path: ['timeseries', 'population', 'unit'] }],
    ['country.entity.timeseries', { type: 'country', path: ['entity', 'timeseries'] }],
    ['country.entity', null],
    ['country.instance', null],
    ['country.timeseries', null],
    ['country', null],
    ['', null],
    ['country..capital', null],
    ['.capital', null],
    ['country.capital.', null],
  ])('%s', (text, expected) => {
    expect(parseFieldMask(text)).toEqual(expected);
  });
});

// Oracle: a masked query over full records must match exactly what the same
// query matches over records from which the masked attributes were deleted.
const MASKS: FieldMask[] = [
  { type: 'country', path: ['entity', 'currency'] },
  { type: 'country', path: ['entity', 'location', 'coordinates'] },
  { type: 'country', path: ['instance', 'independence'] },
  { type: 'city', path: ['entity', 'currency', 'code'] },
  { type: 'city', path: ['entity', 'languages'] },
];

function strip(record: TestRecord, type: string): TestRecord {
  const copy = structuredClone(record) as unknown as Record<string, Record<string, unknown>>;
  for (const m of MASKS) {
    if (m.type !== type) continue;
    let node: Record<string, unknown> | undefined = copy;
    for (const s of m.path.slice(0, -1)) node = node?.[s] as Record<string, unknown> | undefined;
    if (node && typeof node === 'object') delete node[m.path[m.path.length - 1]!];
  }
  return copy as unknown as TestRecord;
}

const sample = countries().filter((_, i) => i % 5 === 0);
const cities: TestRecord[] = sample.slice(0, 15).map((r) => ({ ...r, id: `city-${r.id}`, name: `City of ${r.name}` }));
const extra: TestRecord[] = [
  { id: 'nulcur', name: 'nulcur', entity: { currency: null, languages: null } },
  { id: 'nocur', name: 'nocur', entity: {} },
];

function build(stripped: boolean) {
  const cat = createCatalogDb();
  const add = (r: TestRecord, type: string) => cat.insert(stripped ? strip(r, type) : r, type);
  for (const r of sample) add(r, 'country');
  for (const r of cities) add(r, 'city');
  for (const r of extra) add(r, 'country');
  for (const r of extra) add({ ...r, id: `${r.id}-c` }, 'city');
  for (const r of sample.slice(0, 5)) add({ ...r, id: `other-${r.id}` }, 'other');
  return cat;
}

const full = build(false);
const stripped = build(true);

const point = { type: 'Point', coordinates: [10, 50] };
const QUERIES: unknown[] = [
  { 'entity.currency.code': 'EUR' },
  { 'entity.currency.code': { $ne: 'EUR' } },
  { 'entity.currency.code': null },
  { 'entity.currency.code': { $eq: null } },
  { 'entity.currency': null },
  { 'entity.currency': { $ne: null } },
  { 'entity.currency': { $eq: null } },
  { 'entity.currency': { code: 'EUR', name: 'Euro' } },
  { 'entity.currency': { name: 'Euro' } },
  { 'entity.currency': { $ne: { code: 'EUR', name: 'Euro' } } },
  { 'entity.currency': {} },
  { 'entity.currency.name': { $regex: 'euro', $options: 'i' } },
  { 'entity.currency.name': { $not: { $regex: 'Dollar' } } },
  { 'entity.currency.code': { $in: ['EUR', 'USD'] } },
  { 'entity.currency.code': { $nin: ['EUR', 'USD'] } },
  { 'entity.currency.code': { $gt: 'M' } },
  { 'entity.currency.code': { $lt: 5 } },
  { 'entity.currency': { $gt: 5 } },
  { 'entity.currency': { $lte: true } },
  { 'entity.languages': { $contains: ['English'] } },
  { 'entity.languages': ['French'] },
  { 'entity.languages': { $ne: ['French'] } },
  { 'entity.languages.0': 'English' },
  { 'entity.languages': null },
  { 'entity.location': { $near: { $geometry: point, $max: 2_000_000 } } },
  { 'entity.location': { $near: { $geometry: point, $min: 2_000_000 } } },
  { 'entity.location': { $not: { $near: { $geometry: point, $max: 2_000_000 } } } },
  { 'entity.location.coordinates': { $contains: [10] } },
  { 'entity.location.type': 'Point' },
  { 'entity.location': { type: 'Point' } },
  { 'instance.independence': { $gt: 1900 } },
  { 'instance.independence': null },
  { instance: {} },
  { instance: null },
  { entity: { $ne: null } },
  { entity: { $gt: {} } },
  { 'entity.capital': { $regex: '^[A-M]' } },
  { $or: [{ 'entity.currency.code': 'EUR' }, { 'entity.languages': { $contains: ['Spanish'] } }] },
  { $nor: [{ 'entity.currency.code': 'EUR' }, { 'entity.currency': null }] },
  { $not: { 'entity.currency.code': { $in: ['EUR'] } } },
  { type: 'city', 'entity.currency.name': { $ne: 'Euro' } },
];

describe('masks in consumer queries', () => {
  for (const q of QUERIES) {
    it(`${JSON.stringify(q)} behaves as if the masked attributes were absent`, () => {
      const masked = full.ids(q, MASKS);
      expect(masked).toEqual(stripped.ids(q));
    });
  }

  it('the oracle is not vacuous: without masks results differ for masked paths', () => {
    const differing = QUERIES.filter((q) => JSON.stringify(full.ids(q)) !== JSON.stringify(stripped.ids(q)));
    expect(differing.length).toBeGreaterThan(QUERIES.length / 2);
  });

  it('renders leaves on unmasked paths exactly as without masks', () => {
    const q = {
      name: { $regex: 'a' },
      'entity.capital': 'Paris',
      'entity.location': { $near: { $geometry: point, $max: 5 } },
      'instance.x': { $in: [1, 'a'] },
    };
    const masks: FieldMask[] = [{ type: 'country', path: ['entity', 'currency'] }];
    expect(renderSqlite(compileQuery(q, { masks }))).toEqual(renderSqlite(compileQuery(q)));
  });
});

describe('masks through arrays (a name segment applies to every element, as in details)', () => {
  const arrayMasks: FieldMask[] = [{ type: 'firm', path: ['entity', 'offices', 'phone'] }];
  const firms: TestRecord[] = [
    {
      id: 'a',
      name: 'A',
      entity: {
        offices: [
          { city: 'Oslo', phone: '1' },
          { city: 'Rome', phone: '2' },
        ],
      },
    },
    { id: 'b', name: 'B', entity: { offices: [{ city: 'Oslo' }, { city: 'Lima', phone: '3' }] } },
    { id: 'c', name: 'C', entity: { offices: [] } },
  ];
  const make = (strip: boolean) => {
    const cat = createCatalogDb();
    for (const r of firms) cat.insert(strip ? (removePath(r, arrayMasks[0]!.path) as TestRecord) : r, 'firm');
    for (const r of firms) cat.insert({ ...r, id: `other-${r.id}` }, 'other');
    return cat;
  };
  const withPhones = make(false);
  const withoutPhones = make(true);
  const queries: unknown[] = [
    { 'entity.offices.0.phone': '1' },
    { 'entity.offices.1.phone': { $ne: '2' } },
    { 'entity.offices.0.phone': null },
    { 'entity.offices.phone': '1' },
    { 'entity.offices.0': { city: 'Oslo' } },
    { 'entity.offices.0': { city: 'Oslo', phone: '1' } },
    { 'entity.offices': { $contains: [{ city: 'Rome', phone: '2' }] } },
    { 'entity.offices': [{ city: 'Oslo' }] },
    { 'entity.offices.1.city': 'Lima' },
  ];
  for (const q of queries) {
    it(`${JSON.stringify(q)} sees no masked phone`, () => {
      expect(withPhones.ids(q, arrayMasks)).toEqual(withoutPhones.ids(q));
    });
  }
  it('the oracle is not vacuous', () => {
    expect(
      queries.filter((q) => JSON.stringify(withPhones.ids(q)) !== JSON.stringify(withoutPhones.ids(q))).length,
    ).toBeGreaterThan(3);
  });
});
