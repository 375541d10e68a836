import { createHash } from 'node:crypto';
import { jsonPathLiteral } from '../../query/index.js';
import { type AutoIndexKind, indexedPaths } from '../auto-indexes.js';
import { type Db, pruneStatistics } from './database.js';

/** Prefix of the expression indexes the server builds itself (declared ones are `records_x_`). */
export const AUTO_INDEX_PREFIX = 'records_a_';
/** The trigram index of record names (FTS5), when consumers regex on names. */
export const NAME_TRIGRAMS = 'record_names';

export type { AutoIndexKind };

/** Index name and expression of the automatic expression index of a dotted path (no empty segment). */
export function autoIndexFor(path: string): { name: string; expression: string } {
  const literal = jsonPathLiteral(path.split('.'));
  const name = `${AUTO_INDEX_PREFIX}${createHash('sha1').update(literal).digest('hex').slice(0, 16)}`;
  return { name, expression: `json_extract(doc, ${literal})` };
}

/**
 * Index name and expressions of an automatic compound index (its path: `compoundPath` of two dotted paths), the
 * equality's path first: `json_extract(doc, A) = ? AND json_extract(doc, B) >= ?` reads only the rows that match both.
 */
export function compoundIndexFor(path: string): { name: string; expression: string } {
  const paths = indexedPaths('compound', path);
  if (paths.length !== 2) throw new Error(`not the path of a compound index: ${path}`);
  const literals = paths.map((p) => jsonPathLiteral(p.split('.')));
  const name = `${AUTO_INDEX_PREFIX}${createHash('sha1').update(literals.join(',')).digest('hex').slice(0, 16)}`;
  return { name, expression: literals.map((l) => `json_extract(doc, ${l})`).join(', ') };
}

/** The name of the automatic index of this kind on `path`. */
export function autoIndexName(kind: AutoIndexKind, path: string): string {
  if (kind === 'trigram') return NAME_TRIGRAMS;
  return (kind === 'compound' ? compoundIndexFor(path) : autoIndexFor(path)).name;
}

// FTS5 trigrams of records.name (external content: the names are stored once, in records), without
// positions (detail=none: a lookup ANDs single trigrams, RE2 checks the candidates), kept by triggers.
const NAME_TRIGRAMS_DDL = `
CREATE VIRTUAL TABLE ${NAME_TRIGRAMS} USING fts5(name, content='records', content_rowid='seq',
  tokenize='trigram', detail='none', columnsize=0);
INSERT INTO ${NAME_TRIGRAMS} (${NAME_TRIGRAMS}) VALUES ('rebuild');
CREATE TRIGGER records_names_insert AFTER INSERT ON records BEGIN
  INSERT INTO ${NAME_TRIGRAMS} (rowid, name) VALUES (NEW.seq, NEW.name);
END;
CREATE TRIGGER records_names_delete AFTER DELETE ON records BEGIN
  INSERT INTO ${NAME_TRIGRAMS} (${NAME_TRIGRAMS}, rowid, name) VALUES ('delete', OLD.seq, OLD.name);
END;
CREATE TRIGGER records_names_update AFTER UPDATE OF name ON records WHEN OLD.name IS NOT NEW.name BEGIN
  INSERT INTO ${NAME_TRIGRAMS} (${NAME_TRIGRAMS}, rowid, name) VALUES ('delete', OLD.seq, OLD.name);
  INSERT INTO ${NAME_TRIGRAMS} (rowid, name) VALUES (NEW.seq, NEW.name);
END;`;

const DROP_NAME_TRIGRAMS = `
DROP TRIGGER IF EXISTS records_names_insert;
DROP TRIGGER IF EXISTS records_names_delete;
DROP TRIGGER IF EXISTS records_names_update;
DROP TABLE IF EXISTS ${NAME_TRIGRAMS};`;

/**
 * Builds an automatic index and records it; false when it exists. An expression index is followed
 * by statistics of every records index, so the planner can tell a selective index from one that is
 * not. Runs on the connection that writes the catalog, inside its transaction. Index names are hex
 * digests and expressions come from jsonPathLiteral: both safe to splice into DDL.
 */
export function createAutoIndex(db: Db, kind: AutoIndexKind, path: string, now: string): boolean {
  const name = autoIndexName(kind, path);
  if (db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ? AND type IN ('index', 'table')").get(name)) return false;
  if (kind === 'trigram') {
    if (path !== 'name') throw new Error(`no trigram index for ${path}`);
    db.exec(NAME_TRIGRAMS_DDL);
  } else {
    const { expression } = kind === 'compound' ? compoundIndexFor(path) : autoIndexFor(path);
    db.exec(`CREATE INDEX ${name} ON records (${expression})`);
    // with figures for some indexes only, the planner would trust its defaults for the others;
    // sampled figures (analysis_limit) mislead it on skewed paths (one value for the first rows)
    db.pragma('analysis_limit = 0');
    db.exec('ANALYZE records');
    pruneStatistics(db);
  }
  db.prepare('INSERT OR REPLACE INTO auto_indexes (name, path, kind, created) VALUES (?, ?, ?, ?)').run(
    name,
    path,
    kind,
    now,
  );
  return true;
}

/** Drops an automatic index and its record; false when there was none. */
export function dropAutoIndex(db: Db, kind: AutoIndexKind, path: string): boolean {
  const name = autoIndexName(kind, path);
  db.exec(kind === 'trigram' ? DROP_NAME_TRIGRAMS : `DROP INDEX IF EXISTS ${name}`);
  return db.prepare('DELETE FROM auto_indexes WHERE name = ?').run(name).changes === 1;
}
