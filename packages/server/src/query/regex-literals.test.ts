import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerSqliteFunctions, renderSqlite } from './index.js';
import type { Ir } from './ir.js';
import { compileRegex } from './regex.js';
import { requiredLiterals } from './regex-literals.js';

describe('requiredLiterals', () => {
  it.each([
    ['^united k.*dom \\d+$', ['united k', 'dom ']],
    ['abc', ['abc']],
    ['ab', []],
    ['a|bcd', []],
    ['(abc|abd)efg', ['efg']],
    ['abc*def', ['def']],
    ['abcd?', ['abc']],
    ['abc+def', ['abc', 'def']],
    ['abc{0,3}xyz', ['xyz']],
    ['abc{2}xyz', ['abc', 'xyz']],
    ['x\\.yz', ['x.yz']],
    ['abc\\d+def', ['abc']],
    ['[xyz]abc[^]q]def', ['abc', 'def']],
    ['abc\\Qxyz\\E', ['abc']],
    ['(?i)hello', ['hello']],
    ['café au lait', ['caf', ' au lait']],
    ['abc{x', ['abc']],
    ['abc*?def', ['def']],
  ])('%s → %j', (pattern, expected) => {
    expect(requiredLiterals(pattern)).toEqual(expected);
  });
});

/** An in-memory records table with the production trigram index of names (storage/sqlite/auto-index-ddl.ts). */
function namesDb(names: readonly string[]): Database.Database {
  const db = new Database(':memory:');
  registerSqliteFunctions(db);
  db.exec(`CREATE TABLE records (seq INTEGER PRIMARY KEY, name TEXT NOT NULL, doc BLOB NOT NULL);
    CREATE VIRTUAL TABLE record_names USING fts5(name, content='records', content_rowid='seq',
      tokenize='trigram', detail='none', columnsize=0);
    CREATE TRIGGER records_names_insert AFTER INSERT ON records BEGIN
      INSERT INTO record_names (rowid, name) VALUES (NEW.seq, NEW.name);
    END;`);
  const insert = db.prepare('INSERT INTO records (name, doc) VALUES (?, jsonb(?))');
  for (const name of names) insert.run(name, JSON.stringify({ name }));
  return db;
}

const regexLeaf = (pattern: string, caseInsensitive: boolean): Ir => ({
  kind: 'regex',
  field: { path: ['name'], without: [] },
  pattern,
  caseInsensitive,
});

function matches(db: Database.Database, ir: Ir, prefilter: boolean): number[] {
  const { sql, params } = renderSqlite(ir, prefilter ? { textIndexes: { name: 'record_names' } } : {});
  return db
    .prepare(`SELECT seq FROM records r WHERE ${sql} ORDER BY seq`)
    .pluck()
    .all(...params) as number[];
}

describe('the trigram prefilter of $regex on name', () => {
  it('is rendered only for a path with a text index and a pattern with a fragment', () => {
    const options = { textIndexes: { name: 'record_names' } };
    expect(renderSqlite(regexLeaf('abc', false), options).sql).toContain('MATCH ?');
    expect(renderSqlite(regexLeaf('abc', false), options).params[0]).toBe('"abc"');
    expect(renderSqlite(regexLeaf('a.c', false), options).sql).not.toContain('MATCH');
    expect(renderSqlite(regexLeaf('abc', false)).sql).not.toContain('MATCH');
    const other: Ir = {
      kind: 'regex',
      field: { path: ['entity', 'name'], without: [] },
      pattern: 'abc',
      caseInsensitive: false,
    };
    expect(renderSqlite(other, options).sql).not.toContain('MATCH');
  });

  it('never drops a case-insensitive match of an ASCII letter: FTS5 folds whatever RE2 folds', () => {
    // every code point of the BMP that RE2 matches case-insensitively against an ASCII letter
    // (k and s also match U+212A and U+017F) must be found by the trigram lookup of that letter
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const any = compileRegex(`^[${letters}]$`, true)!;
    const folded: string[] = [];
    for (let u = 0; u <= 0xffff; u++) {
      if (u >= 0xd800 && u <= 0xdfff) continue;
      if (any.test(String.fromCharCode(u))) folded.push(String.fromCharCode(u));
    }
    expect(folded.length).toBeGreaterThan(52);
    const db = namesDb(folded.map((c) => `_${c}_`));
    for (const letter of letters) {
      const expected = matches(db, regexLeaf(`_${letter}_`, true), false);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      expect(matches(db, regexLeaf(`_${letter}_`, true), true)).toEqual(expected);
    }
  });

  it('gives the same records as RE2 alone for random patterns and names', () => {
    const chars = ['a', 'b', 'A', 'B', 'k', 'K', '\u212a', 's', '\u017f', 'é', 'É', 'İ', 'ı', ' ', '1', '.', '\n'];
    const name = fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((a) => a.join(''));
    const atom = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom('a', 'b', 'A', 'k', 'K', 's', 'S', 'é', ' ', '1', '\\.', 'ab', 'ba', 'ks'),
      },
      { weight: 1, arbitrary: fc.constantFrom('.', '\\d', '[ab]', '[^a]', '(a|b)', '(?i:k)', '\\w', '^', '$', '\\b') },
    );
    const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{0,2}', '{2}', '*?');
    const pattern = fc
      .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 8 })
      .chain((parts) =>
        fc.constantFrom(parts, [...parts.slice(0, 2), ['|', ''] as [string, string], ...parts.slice(2)]),
      )
      .map((parts) => parts.map(([a, q]) => a + q).join(''))
      .filter((p) => compileRegex(p, false) !== null);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 30 }), pattern, fc.boolean(), (names, p, ci) => {
        const db = namesDb(names);
        try {
          expect(matches(db, regexLeaf(p, ci), true)).toEqual(matches(db, regexLeaf(p, ci), false));
        } finally {
          db.close();
        }
      }),
      { numRuns: 400 },
    );
  });
});
