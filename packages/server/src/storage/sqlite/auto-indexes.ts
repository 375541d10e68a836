import { createHash } from 'node:crypto';
import { type Ir, jsonPathLiteral } from '../../query/index.js';
import type { Db } from './database.js';

/** Prefix of the expression indexes the server builds itself (declared ones are `records_x_`). */
export const AUTO_INDEX_PREFIX = 'records_a_';
/** How many distinct unindexed paths are counted at once (a bound on memory, not on indexes). */
const TRACKED_PATHS = 1000;

/** Options of {@link AutoIndexes} (`startServer({ autoIndexes })`, `BBK_AUTO_INDEXES`, `BBK_AUTO_INDEX_FORBID`). */
export interface AutoIndexOptions {
  /** Most automatic indexes at a time, over the whole catalog (default 8; 0 turns them off and drops them). */
  max?: number;
  /** Consumer queries filtering on a path before it gets an index (default 3). */
  threshold?: number;
  /** Dotted paths never indexed automatically (a declared `indexes` path is pinned instead). */
  forbid?: readonly string[];
  /** An automatic index that no query has used for this long is dropped (default 7 days). */
  retireAfterMs?: number;
  now?: () => number;
}

/** The catalog writes that build and drop them (on the catalog writer thread when there is one). */
export interface AutoIndexJobs {
  build(path: string): Promise<boolean>;
  drop(path: string): Promise<boolean>;
}

/** An automatic index as {@link AutoIndexes.list} shows it. */
export interface AutoIndexInfo {
  path: string;
  name: string;
  lastUsed: number;
}

/** Index name and expression of the automatic index of a dotted path (no empty segment). */
export function autoIndexFor(path: string): { name: string; expression: string } {
  const literal = jsonPathLiteral(path.split('.'));
  const name = `${AUTO_INDEX_PREFIX}${createHash('sha1').update(literal).digest('hex').slice(0, 16)}`;
  return { name, expression: `json_extract(doc, ${literal})` };
}

/**
 * Builds the automatic index of `path` with approximate statistics (so the planner can tell a
 * selective index from one that is not), and records it. Runs on the connection that writes the
 * catalog, inside its transaction. The name is a hex digest and the expression comes from
 * jsonPathLiteral: both safe to splice into DDL.
 */
export function createAutoIndex(db: Db, path: string, now: string): boolean {
  const { name, expression } = autoIndexFor(path);
  if (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?").get(name)) return false;
  db.exec(`CREATE INDEX ${name} ON records (${expression})`);
  db.prepare('INSERT OR REPLACE INTO auto_indexes (name, path, created) VALUES (?, ?, ?)').run(name, path, now);
  // statistics of every records index (rows per key): with figures for some indexes only, the
  // planner would trust its defaults for the others; sampled figures (analysis_limit) mislead it
  // on skewed paths (one continent for the first thousand records)
  db.pragma('analysis_limit = 0');
  db.exec('ANALYZE records');
  return true;
}

/** Drops the automatic index of `path` and its record. */
export function dropAutoIndex(db: Db, path: string): boolean {
  const { name } = autoIndexFor(path);
  db.exec(`DROP INDEX IF EXISTS ${name}`);
  return db.prepare('DELETE FROM auto_indexes WHERE name = ?').run(name).changes === 1;
}

/** Dotted paths of the leaves an expression index can serve (equality, `$in`, ranges, null/boolean tests). */
export function indexablePaths(ir: Ir, out = new Set<string>()): Set<string> {
  switch (ir.kind) {
    case 'and':
    case 'or':
      for (const item of ir.items) indexablePaths(item, out);
      break;
    case 'typeSwitch':
      for (const c of ir.cases) indexablePaths(c.body, out);
      indexablePaths(ir.otherwise, out);
      break;
    case 'cmp':
    case 'inText':
    case 'inNumber':
    case 'jsonType':
    case 'nullish':
      // a masked rewrite reads the document through bbk_json_without: no index serves it
      if (ir.field.without.length === 0 && ir.field.path.every((s) => s !== '')) out.add(ir.field.path.join('.'));
      break;
  }
  return out;
}

/**
 * Indexes that build themselves: counts the paths consumer queries filter on and, once a path
 * was asked `threshold` times, builds an expression index on it in the background (one at a
 * time, through `jobs`: on the catalog writer thread, so requests go on meanwhile). At most `max`
 * at a time; one no query used for `retireAfterMs` is dropped, as are those on forbidden paths and
 * those a declared index (entity type `indexes`, the coordinator's pin) makes redundant.
 */
export class AutoIndexes {
  readonly #indexed = new Map<string, number>();
  readonly #seen = new Map<string, number>();
  readonly #max: number;
  readonly #threshold: number;
  readonly #forbid: Set<string>;
  readonly #retireAfterMs: number;
  readonly #now: () => number;
  #job: Promise<void> | undefined;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly jobs: AutoIndexJobs,
    options: AutoIndexOptions = {},
  ) {
    this.#max = Math.max(0, options.max ?? 8);
    this.#threshold = Math.max(1, options.threshold ?? 3);
    this.#forbid = new Set(options.forbid ?? []);
    this.#retireAfterMs = options.retireAfterMs ?? 7 * 24 * 3600_000;
    this.#now = options.now ?? Date.now;
    const now = this.#now();
    for (const path of db.prepare<[], string>('SELECT path FROM auto_indexes ORDER BY created').pluck().all()) {
      this.#indexed.set(path, now);
    }
  }

  /** Notes the paths a consumer query filters on; may start building or retiring an index. */
  observe(filter: Ir | undefined): void {
    const now = this.#now();
    if (now - this.#lastSweep >= Math.min(this.#retireAfterMs, 3600_000)) this.#sweep(now);
    if (!filter) return;
    for (const path of indexablePaths(filter)) {
      if (this.#indexed.has(path)) {
        this.#indexed.set(path, now);
        continue;
      }
      if (this.#max === 0 || this.#forbid.has(path)) continue;
      if (this.#seen.size >= TRACKED_PATHS && !this.#seen.has(path)) this.#seen.clear();
      const count = (this.#seen.get(path) ?? 0) + 1;
      this.#seen.set(path, count);
      if (count >= this.#threshold) this.#consider(path, now);
    }
  }

  /** The automatic indexes now, most recently used first. */
  list(): AutoIndexInfo[] {
    return [...this.#indexed]
      .map(([path, lastUsed]) => ({ path, name: autoIndexFor(path).name, lastUsed }))
      .sort((a, b) => b.lastUsed - a.lastUsed);
  }

  /** Resolves once no build or drop is running (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.#job) await this.#job;
  }

  #declared(): Set<string> {
    const paths = new Set<string>();
    for (const text of this.db.prepare<[], string>('SELECT indexes FROM entity_types').pluck().all()) {
      try {
        const list: unknown = JSON.parse(text);
        if (Array.isArray(list)) for (const p of list) if (typeof p === 'string') paths.add(p);
      } catch {
        // a malformed column declares nothing
      }
    }
    return paths;
  }

  #consider(path: string, now: number): void {
    if (this.#job) return;
    this.#seen.delete(path);
    if (this.#declared().has(path)) return;
    let victim: string | undefined;
    if (this.#indexed.size >= this.#max) {
      const [oldest, lastUsed] = [...this.#indexed].sort((a, b) => a[1] - b[1])[0]!;
      if (now - lastUsed < this.#retireAfterMs) return; // all in use: the bound holds
      victim = oldest;
    }
    this.#run(async () => {
      if (victim !== undefined && (await this.jobs.drop(victim))) this.#indexed.delete(victim);
      await this.jobs.build(path);
      this.#indexed.set(path, this.#now());
    });
  }

  /** Drops what is retired, forbidden, declared, or over the bound (least recently used first). */
  #sweep(now: number): void {
    if (this.#job || this.#indexed.size === 0) return;
    this.#lastSweep = now;
    const declared = this.#declared();
    const byUse = [...this.#indexed].sort((a, b) => b[1] - a[1]);
    const unwanted = ([path, lastUsed]: [string, number]) =>
      this.#forbid.has(path) || declared.has(path) || now - lastUsed >= this.#retireAfterMs;
    const kept = byUse.filter((e) => !unwanted(e));
    const victims = [...byUse.filter(unwanted), ...kept.slice(this.#max)].map(([path]) => path);
    if (victims.length === 0) return;
    this.#run(async () => {
      for (const path of victims) {
        await this.jobs.drop(path);
        this.#indexed.delete(path);
      }
    });
  }

  #run(job: () => Promise<void>): void {
    this.#job = job()
      .catch(() => {
        // the store is closing or the writer failed: the next queries will ask again
      })
      .finally(() => {
        this.#job = undefined;
      });
  }
}
