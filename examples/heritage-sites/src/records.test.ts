import { describe, expect, it } from 'vitest';
import { HERITAGE_CATEGORIES, heritageCategory, loadHeritageSites } from './data.js';
import { heritageRecord } from './records.js';

const cid = '9afcf3235500836c6fcd9e82110dbc05ffbb734b';

describe('heritage sites', () => {
  it('has 814 cultural and 203 natural sites with distinct ids', () => {
    const [cultural, natural] = HERITAGE_CATEGORIES.map(loadHeritageSites);
    expect([cultural?.length, natural?.length]).toEqual([814, 203]);
    expect(new Set([...(cultural ?? []), ...(natural ?? [])].map((s) => s.id)).size).toBe(1017);
    expect(cultural?.every((s) => s.entity.category === 'cultural')).toBe(true);
  });

  it('points every country link at the countries connector', () => {
    const [site] = loadHeritageSites('natural');
    if (!site) throw new Error('no natural site');
    const record = heritageRecord(site, cid);
    expect(record.entity.country).toMatch(new RegExp(`^bbk://country/${cid}/[A-Z]{2}$`));
    expect({ ...record.entity, country: site.entity.country }).toEqual(site.entity);
    expect(
      HERITAGE_CATEGORIES.flatMap(loadHeritageSites).every((s) => heritageRecord(s, cid).entity.country.includes(cid)),
    ).toBe(true);
  });

  it('refuses a connector slug or a malformed link', () => {
    const [site] = loadHeritageSites('cultural');
    if (!site) throw new Error('no cultural site');
    expect(() => heritageRecord(site, 'countries')).toThrow(/40 lower-case hex/);
    expect(() => heritageRecord({ ...site, entity: { ...site.entity, country: 'GB' } }, cid)).toThrow(
      /not a bbk:\/\/country/,
    );
    expect(() => heritageCategory('mixed')).toThrow(/cultural, natural/);
  });
});
