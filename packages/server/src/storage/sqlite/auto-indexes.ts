import { setTimeout as sleep } from 'node:timers/promises';
import { type Ir, recordColumn, requiredLiterals } from '../../query/index.js';
import { type AutoIndexKind, autoIndexName, NAME_TRIGRAMS } from './auto-index-ddl.js';
import type { Db } from './database.js';

export { AUTO_INDEX_PREFIX, autoIndexFor, createAutoIndex, dropAutoIndex } from './auto-index-ddl.js';

/** How many distinct unindexed paths are counted at once (a bound on memory, not on indexes). */
const TRACKED_PATHS = 1000;
/** Text paths that can have a trigram index. */
const TRIGRAM_PATHS = new Set(['name']);

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
  /**
   * How long a retired trigram index is kept after queries stop using it, so that none already sent to a
   * reader thread meets a dropped table (default 35 s: past the reader's time bound).
   */
  graceMs?: number;
  now?: () => number;
}

/** The catalog writes that build and drop them (on the catalog writer thread when there is one). */
export interface AutoIndexJobs {
  build(kind: AutoIndexKind, path: string): Promise<boolean>;
  drop(kind: AutoIndexKind, path: string): Promise<boolean>;
}

/** An automatic index as {@link AutoIndexes.list} shows it. */
export interface AutoIndexInfo {
  kind: AutoIndexKind;
  path: string;
  name: string;
  lastUsed: number;
}

const keyOf = (kind: AutoIndexKind, path: string) => `${kind}:${path}`;
const parseKey = (key: string) => {
  const at = key.indexOf(':');
  return { kind: key.slice(0, at) as AutoIndexKind, path: key.slice(at + 1) };
};

/**
 * What indexes could serve a filter, as `kind:path` keys: an expression index for the paths of equality,
 * `$in`, ranges and null/boolean tests; the trigram index for a `$regex` on `name` whose pattern has a
 * literal fragment. Never under a negation, never a masked rewrite (it reads through bbk_json_without).
 */
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
      // a field read from its own column (the entity type: records_type) needs no expression index
      if (ir.field.without.length === 0 && ir.field.path.every((s) => s !== '') && !recordColumn(ir.field)) {
        out.add(keyOf('expression', ir.field.path.join('.')));
      }
      break;
    case 'regex': {
      const path = ir.field.path.join('.');
      if (ir.field.without.length === 0 && TRIGRAM_PATHS.has(path) && requiredLiterals(ir.pattern).length > 0) {
        out.add(keyOf('trigram', path));
      }
      break;
    }
  }
  return out;
}

/**
 * Indexes that build themselves: counts what consumer queries filter on and, once a path was asked
 * `threshold` times, builds an index for it in the background (one at a time, through `jobs`: on the
 * catalog writer thread, so requests go on meanwhile): an expression index for equality, `$in` and
 * ranges, the trigram index of names for regexes on `name`. At most `max` at a time; one no query used
 * for `retireAfterMs` is dropped, as are those on forbidden paths and expression indexes that a declared
 * one (entity type `indexes`, the coordinator's pin) makes redundant.
 */
export class AutoIndexes {
  /** `kind:path` → when a query last used it */
  readonly #indexed = new Map<string, number>();
  readonly #seen = new Map<string, number>();
  /** Keys that reached the threshold while another build ran: considered when it ends. */
  readonly #waiting = new Set<string>();
  readonly #max: number;
  readonly #threshold: number;
  readonly #forbid: Set<string>;
  readonly #retireAfterMs: number;
  readonly #graceMs: number;
  readonly #now: () => number;
  #job: Promise<void> | undefined;
  readonly #closing = new AbortController();
  #lastSweep = Number.NEGATIVE_INFINITY;
  #generation = 0;

  constructor(
    private readonly db: Db,
    private readonly jobs: AutoIndexJobs,
    options: AutoIndexOptions = {},
  ) {
    this.#max = Math.max(0, options.max ?? 8);
    this.#threshold = Math.max(1, options.threshold ?? 3);
    this.#forbid = new Set(options.forbid ?? []);
    this.#retireAfterMs = options.retireAfterMs ?? 7 * 24 * 3600_000;
    this.#graceMs = options.graceMs ?? 35_000;
    this.#now = options.now ?? Date.now;
    const now = this.#now();
    const rows = db
      .prepare<[], { kind: AutoIndexKind; path: string }>('SELECT kind, path FROM auto_indexes ORDER BY created')
      .all();
    for (const r of rows) this.#indexed.set(keyOf(r.kind, r.path), now);
  }

  /**
   * Trigram tables queries may use now, by the path whose text they hold (render-sqlite's `textIndexes`).
   * Changes only with {@link generation}.
   */
  textIndexes(): Record<string, string> {
    return this.#indexed.has(keyOf('trigram', 'name')) ? { name: NAME_TRIGRAMS } : {};
  }

  /** Grows whenever {@link textIndexes} changes, so that renderings of queries can be dropped. */
  get generation(): number {
    return this.#generation;
  }

  /** Notes what a consumer query filters on; may start building or retiring an index. */
  observe(filter: Ir | undefined): void {
    const now = this.#now();
    if (now - this.#lastSweep >= Math.min(this.#retireAfterMs, 3600_000)) this.#sweep(now);
    if (!filter) return;
    for (const key of indexablePaths(filter)) {
      if (this.#indexed.has(key)) {
        this.#indexed.set(key, now);
        continue;
      }
      if (this.#max === 0 || this.#forbid.has(parseKey(key).path)) continue;
      if (this.#seen.size >= TRACKED_PATHS && !this.#seen.has(key)) this.#seen.clear();
      const count = (this.#seen.get(key) ?? 0) + 1;
      this.#seen.set(key, count);
      if (count >= this.#threshold) this.#consider(key, now);
    }
  }

  /** The automatic indexes now, most recently used first. */
  list(): AutoIndexInfo[] {
    return [...this.#indexed]
      .map(([key, lastUsed]) => {
        const { kind, path } = parseKey(key);
        return { kind, path, name: autoIndexName(kind, path), lastUsed };
      })
      .sort((a, b) => b.lastUsed - a.lastUsed);
  }

  /** Resolves once no build or drop is running (for tests). */
  async settled(): Promise<void> {
    while (this.#job) await this.#job;
  }

  /** Starts nothing more, cuts a grace period short (that drop waits for the next start), waits for the job. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.settled();
  }

  #declared(): Set<string> {
    const keys = new Set<string>();
    for (const text of this.db.prepare<[], string>('SELECT indexes FROM entity_types').pluck().all()) {
      try {
        const list: unknown = JSON.parse(text);
        if (Array.isArray(list)) for (const p of list) if (typeof p === 'string') keys.add(keyOf('expression', p));
      } catch {
        // a malformed column declares nothing
      }
    }
    return keys;
  }

  #consider(key: string, now: number): void {
    if (this.#job) {
      if (this.#waiting.size < 64) this.#waiting.add(key);
      return;
    }
    this.#seen.delete(key);
    this.#waiting.delete(key);
    if (this.#declared().has(key)) return;
    let victim: string | undefined;
    if (this.#indexed.size >= this.#max) {
      const [oldest, lastUsed] = [...this.#indexed].sort((a, b) => a[1] - b[1])[0]!;
      if (now - lastUsed < this.#retireAfterMs) return; // all in use: the bound holds
      victim = oldest;
    }
    this.#run(async () => {
      if (victim !== undefined) await this.#drop(victim);
      const { kind, path } = parseKey(key);
      await this.jobs.build(kind, path);
      this.#indexed.set(key, this.#now());
      if (kind === 'trigram') this.#generation++;
    });
  }

  /** Drops what is retired, forbidden, declared, or over the bound (least recently used first). */
  #sweep(now: number): void {
    if (this.#job || this.#indexed.size === 0) return;
    this.#lastSweep = now;
    const declared = this.#declared();
    const byUse = [...this.#indexed].sort((a, b) => b[1] - a[1]);
    const unwanted = ([key, lastUsed]: [string, number]) =>
      this.#forbid.has(parseKey(key).path) || declared.has(key) || now - lastUsed >= this.#retireAfterMs;
    const kept = byUse.filter((e) => !unwanted(e));
    const victims = [...byUse.filter(unwanted), ...kept.slice(this.#max)].map(([key]) => key);
    if (victims.length === 0) return;
    this.#run(async () => {
      for (const key of victims) await this.#drop(key);
    });
  }

  /** Stops using an index, then drops it (a trigram table after a grace period: queries in flight may name it). */
  async #drop(key: string): Promise<void> {
    const { kind, path } = parseKey(key);
    this.#indexed.delete(key);
    if (kind === 'trigram') {
      this.#generation++;
      await sleep(this.#graceMs, undefined, { signal: this.#closing.signal });
    }
    await this.jobs.drop(kind, path);
  }

  #run(job: () => Promise<void>): void {
    if (this.#closing.signal.aborted) return;
    this.#job = job()
      .catch(() => {
        // the store is closing or the writer failed: the next queries will ask again
      })
      .finally(() => {
        this.#job = undefined;
        const next = this.#waiting.values().next();
        if (!next.done && !this.#indexed.has(next.value)) this.#consider(next.value, this.#now());
        else if (!next.done) this.#waiting.delete(next.value);
      });
  }
}
