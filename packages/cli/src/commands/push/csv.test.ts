import { describe, expect, it } from 'vitest';
import { mapColumns, parseCsv, rowToRecord } from './csv.js';

describe('parseCsv', () => {
  it('reads quotes, escaped quotes, embedded newlines and CRLF', () => {
    const csv = parseCsv('\ufeffid,name,note\r\nGB,"United Kingdom","says ""hi""\ntwice"\r\n\r\nFR,France,\n');
    expect(csv.rows).toEqual([
      ['id', 'name', 'note'],
      ['GB', 'United Kingdom', 'says "hi"\ntwice'],
      ['FR', 'France', ''],
    ]);
    expect(csv.lines).toEqual([1, 2, 5]);
  });

  it('reads a last line without newline and other delimiters', () => {
    expect(parseCsv('a\tb\n1\t2', '\t').rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('rejects an unclosed quote', () => {
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/never closed/);
  });
});

describe('mapColumns and rowToRecord', () => {
  it('maps by default and drops private columns', () => {
    const header = ['id', 'name', 'entity.area', 'instance.independence', 'capital', '_wikidata'];
    const mappings = mapColumns(header, []);
    expect(mappings.map((m) => m.target.join('.'))).toEqual([
      'id',
      'name',
      'entity.area',
      'instance.independence',
      'entity.capital',
    ]);
    expect(rowToRecord(['007', 'X', '12.5', '1278', '', 'Q1'], mappings)).toEqual({
      id: '007',
      name: 'X',
      entity: { area: 12.5 },
      instance: { independence: 1278 },
    });
  });

  it('applies explicit maps with types and nested paths', () => {
    const header = ['code', 'country', 'pop', 'currency', 'langs'];
    const mappings = mapColumns(header, [
      'id=code',
      'entity.code=code',
      'name=country',
      'entity.population=pop:integer',
      'entity.currency.code=currency:string',
      'entity.languages=langs:json',
    ]);
    expect(rowToRecord(['GB', 'United Kingdom', '67000000', '123', '["English"]'], mappings)).toEqual({
      id: 'GB',
      name: 'United Kingdom',
      entity: { code: 'GB', population: 67000000, currency: { code: '123' }, languages: ['English'] },
    });
  });

  it('rejects unknown columns and bad targets', () => {
    expect(() => mapColumns(['a'], ['id=b'])).toThrow(/no column "b"/);
    expect(() => mapColumns(['a'], ['type=a'])).toThrow(/target must be/);
  });
});
