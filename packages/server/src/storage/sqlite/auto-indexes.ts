import {
  AutoIndexes,
  type AutoIndexJobs,
  type AutoIndexKind,
  type AutoIndexOptions,
  indexedPaths,
  SQLITE_LEAVES,
} from '../auto-indexes.js';
import { autoIndexName } from './auto-index-ddl.js';
import type { Db } from './database.js';

export {
  AutoIndexes,
  type AutoIndexJobs,
  type AutoIndexKind,
  type AutoIndexOptions,
  indexablePaths,
} from '../auto-indexes.js';
export { AUTO_INDEX_PREFIX, autoIndexFor, createAutoIndex, dropAutoIndex } from './auto-index-ddl.js';

/** Dotted paths the entity types declare in `indexes`. */
function declaredPaths(db: Db): Set<string> {
  const paths = new Set<string>();
  for (const text of db.prepare<[], string>('SELECT indexes FROM entity_types').pluck().all()) {
    try {
      const list: unknown = JSON.parse(text);
      if (Array.isArray(list)) for (const p of list) if (typeof p === 'string') paths.add(p);
    } catch {
      // a malformed column declares nothing
    }
  }
  return paths;
}

/**
 * The automatic indexes of a SQLite catalog: those recorded in `auto_indexes`, built and dropped by
 * `jobs` (the catalog writer thread), one `json_extract` index per path and FTS5 trigrams of names.
 */
export function sqliteAutoIndexes(db: Db, jobs: AutoIndexJobs, options: AutoIndexOptions = {}): AutoIndexes {
  const existing = db
    .prepare<[], { kind: AutoIndexKind; path: string }>('SELECT kind, path FROM auto_indexes ORDER BY created')
    .all()
    // a row edited by hand into something no build writes is not an index of bbk's (it is never dropped either)
    .filter((r) => indexedPaths(r.kind, r.path).length > 0);
  return new AutoIndexes(
    {
      build: (kind, path) => jobs.build(kind, path),
      drop: (kind, path) => jobs.drop(kind, path),
      existing,
      declared: () => declaredPaths(db),
      name: autoIndexName,
      leaves: SQLITE_LEAVES,
    },
    options,
  );
}
