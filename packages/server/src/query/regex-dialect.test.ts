// One $regex dialect on both engines (regex-dialect.ts): what is translated, what is refused, and, with a
// PostgreSQL database (BBK_TEST_DATABASE_URL), that PostgreSQL's `~` / `~*` of the translation matches exactly
// what RE2 matches, on fixed cases and on random patterns.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueryObject as parseQuery } from './parse.js';
import { compileRegex, regexMatches } from './regex.js';
import { areRegex } from './regex-dialect.js';
import { TEST_DATABASE_URL } from './testing/postgres.js';

describe('areRegex', () => {
  it('writes classes as code point ranges with RE2’s ASCII meaning', () => {
    expect(areRegex('\\d+')).toBe('[\\u0030-\\u0039]+');
    expect(areRegex('[[:alpha:]_]')).toBe('[\\u0041-\\u005a\\u005f\\u0061-\\u007a]');
    expect(areRegex('[^a]')).toBe('[\\u0000-\\u0060\\u0062-\\ud7ff\\ue000-\\U0010ffff]');
    // RE2 reads no collating element: a class of `[`, `.` and the letters, then a literal `]`
    expect(areRegex('[[.space.]]')).toBe(
      '[\\u002e\\u005bacesp]\\u005d'.replace('acesp', '\\u0061\\u0063\\u0065\\u0070\\u0073'),
    );
    // without case: each letter as its variants, a negated class as the complement of the folded set
    expect(areRegex('k', true)).toBe('[\\u004b\\u006b\\u212a]');
    expect(areRegex('(?i)k')).toBe(areRegex('k', true));
    expect(areRegex('[^a-z]', true)).not.toMatch(/\\u212a/);
  });

  it('writes RE2’s word boundaries, anchors, quoting and named groups as ARE', () => {
    expect(areRegex('\\bKing')).toContain('(?<=[0-9A-Za-z_])');
    expect(areRegex('a\\z')).toBe('a\\Z');
    expect(areRegex('\\Aa')).toBe('\\Aa');
    expect(areRegex('\\Qa.b\\E')).toBe('a\\u002eb');
    expect(areRegex('(?P<x>a)(?<y>b)(?:c)')).toBe('(a)(b)(?:c)');
    expect(areRegex('(?i)ab1')).toBe('[\\u0041\\u0061][\\u0042\\u0062]1');
    expect(areRegex('\\x{1F600}\\x41')).toBe('\\U0001f600A');
    expect(areRegex('a{2,5}b{3}c{1,}d{,3}')).toBe('a{2,5}b{3}c{1,}d\\{\\u002c3\\u007d');
  });

  it('refuses what ARE cannot say the same way', () => {
    for (const p of ['\\pL', '\\p{Greek}', '\\PL', '(?s).', '(?i:a)b', 'a(?i)b', '(?U)a*', '\\0', '\\123', 'a{256}'])
      expect(areRegex(p), p).toBeNull();
    expect(areRegex('a{255}')).toBe('a{255}');
  });

  it('a consumer query with a refused pattern cannot be parsed, on every engine', () => {
    expect(() => parseQuery({ name: { $regex: '\\p{L}' } })).toThrow();
    expect(() => parseQuery({ name: { $regex: 'x{300}' } })).toThrow();
    expect(() => parseQuery({ name: { $regex: '\\bKing' } })).not.toThrow();
  });
});

const SUBJECTS = [
  '',
  'King Edward',
  'the King',
  'Kingdom',
  'United Kingdom',
  'a.b',
  'axb',
  'ab\ncd',
  'café',
  'Élan',
  'x_y 12',
  'tab\there',
  '[x]',
  'Ωmega ω',
  '😀 smile',
  'a{2}',
  'ABC abc',
  'über',
  '-',
  'a-b',
  '\\',
  'ß',
  'ſ K ς ı İ',
  'SIGMA Σσς',
];

const PATTERNS = [
  '\\bKing',
  'King\\b',
  '\\Bing',
  '\\w+\\s\\w+',
  '\\W',
  '\\S+$',
  '\\d',
  '\\D{3}',
  '[[:alpha:]]{4}',
  '[[:^alpha:]]',
  '[[:punct:]]',
  '[^a-z]',
  '[a-c\\d]',
  '[\\w-]+',
  '[.]',
  '[[.space.]]',
  '^a.b$',
  'b$',
  '^$',
  '\\Aa',
  'b\\z',
  '\\Qa.b\\E',
  '(?P<n>King)dom',
  '(?:ab|cd)',
  'a{2}',
  'a\\{2\\}',
  'x{1,3}',
  'é',
  '[à-ÿ]',
  '\\x{1F600}',
  '.',
  'ab.cd',
  '[^\\n]+',
  '\\t',
  '\\\\',
  'ω',
  '(?i)king',
  '[]a]',
  'a|',
  'ß',
];

describe.skipIf(TEST_DATABASE_URL === undefined)('areRegex on PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  /** Each (pattern, subject, case) as PostgreSQL matches it, in one statement. */
  async function postgresMatches(cases: { pattern: string; subject: string; i: boolean }[]): Promise<boolean[]> {
    const r = await client.query<{ m: boolean }>(
      `SELECT c.s ~ c.p AS m FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(p, s, n) ORDER BY c.n`,
      [cases.map((c) => areRegex(c.pattern, c.i)), cases.map((c) => c.subject)],
    );
    return r.rows.map((row) => row.m);
  }

  it('matches what RE2 matches, pattern by pattern, with and without case', async () => {
    const cases = PATTERNS.flatMap((pattern) => {
      expect(compileRegex(pattern, false), pattern).not.toBeNull();
      expect(areRegex(pattern), pattern).not.toBeNull();
      return SUBJECTS.flatMap((subject) => [false, true].map((i) => ({ pattern, subject, i })));
    });
    const got = await postgresMatches(cases);
    const differ = cases.filter((c, k) => got[k] !== regexMatches(c.pattern, c.i, c.subject));
    expect(differ).toEqual([]);
  });

  it('matches what RE2 matches on random patterns', async () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      'K',
      'é',
      '.',
      '\\d',
      '\\w',
      '\\s',
      '\\W',
      '\\b',
      '\\B',
      '[a-c]',
      '[^ab]',
      '[[:upper:]]',
      '[\\d_]',
      '\\.',
      '-',
      '[.]',
      '\\{',
      ' ',
      's',
      'σ',
      'i',
      '[^s]',
    );
    const quantified = fc
      .tuple(atom, fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,2}', '*?'))
      .map(([a, q]) => a + q);
    const pattern = fc
      .tuple(
        fc.constantFrom('', '^', '(?i)'),
        fc.array(quantified, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', '$', '|b'),
      )
      .map(([start, body, end]) => start + body.join('') + end)
      .filter((p) => compileRegex(p, false) !== null);
    const subject = fc
      .array(
        fc.constantFrom(
          'a',
          'b',
          'c',
          'K',
          'é',
          'É',
          ' ',
          '1',
          '_',
          '.',
          '-',
          '\n',
          'ω',
          '{',
          'ſ',
          'K',
          'ς',
          'Σ',
          'ı',
          'İ',
          'I',
        ),
        { maxLength: 8 },
      )
      .map((cs) => cs.join(''));
    const cases = fc.sample(fc.record({ pattern, subject, i: fc.boolean() }), { numRuns: 3000, seed: 42 });
    const translatable = cases.filter((c) => areRegex(c.pattern) !== null);
    expect(translatable.length).toBeGreaterThan(2500);
    const got = await postgresMatches(translatable);
    const differ = translatable.filter((c, k) => got[k] !== regexMatches(c.pattern, c.i, c.subject));
    expect(differ).toEqual([]);
  });
});
