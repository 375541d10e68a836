import { setTimeout as sleep } from 'node:timers/promises';
import { type Ir, recordColumn, requiredLiterals } from '../query/index.js';
import type { CatalogExplain } from './catalog-store.js';

/** How many distinct unindexed paths are counted at once (a bound on memory, not on indexes). */
const TRACKED_PATHS = 1000;
/** Text paths that can have a trigram index. */
const TRIGRAM_PATHS = new Set(['name']);

/**
 * What an automatic index is: an expression index on a path (equality and `$in`, and on SQLite every
 * test of the path's value), a numeric one (PostgreSQL: number comparisons and `$in` of numbers read
 * the path as float8, a different expression), the trigram index of a text path, or a compound index on two
 * paths, for an equality ANDed with a range: its path is {@link compoundPath} of the two.
 */
export type AutoIndexKind = 'expression' | 'number' | 'trigram' | 'compound';

/**
 * The path of a compound index: its two dotted paths, the equality's first, as a JSON array (a dotted path may hold
 * any character, so no separator could tell them apart).
 * @example compoundPath('entity.continent', 'entity.population') // '["entity.continent","entity.population"]'
 */
export const compoundPath = (equality: string, range: string): string => JSON.stringify([equality, range]);

/** The dotted paths an index of this kind reads: one, or a compound index's two (none when its path is not theirs). */
export function indexedPaths(kind: AutoIndexKind, path: string): string[] {
  if (kind !== 'compound') return [path];
  try {
    const paths: unknown = JSON.parse(path);
    return Array.isArray(paths) && paths.length === 2 && paths.every((p) => typeof p === 'string') ? paths : [];
  } catch {
    return [];
  }
}

/** Which filter leaves an engine's automatic indexes serve (each engine renders paths its own way). */
export interface IndexableLeaves {
  /** Number comparisons and `$in` of numbers need an index of kind `number` (else `expression` serves them). */
  numbers: boolean;
  /** Null, boolean and type tests are served by the expression index. */
  typeTests: boolean;
  /** String ranges are served by the expression index (PostgreSQL compares them `COLLATE "C"`). */
  textRanges: boolean;
  /** Paths with integer-looking segments are served (PostgreSQL guards those reads with a CASE). */
  integerSegments: boolean;
  /**
   * An equality ANDed with a range on another path gets a compound index on both: the range's index alone reads
   * every row of the range to test the equality. With `numbers` (PostgreSQL), only a string equality and a number
   * range, and the index holds the text's hash (`storage/postgres/auto-indexes.ts`).
   */
  compounds: boolean;
}

/** SQLite: one `json_extract` index serves every test of a path. */
export const SQLITE_LEAVES: IndexableLeaves = {
  numbers: false,
  typeTests: true,
  textRanges: true,
  integerSegments: true,
  compounds: true,
};
/** PostgreSQL: `doc #>> path` serves string equality and `$in`; numbers need the float8 expression. */
export const POSTGRES_LEAVES: IndexableLeaves = {
  numbers: true,
  typeTests: false,
  textRanges: false,
  integerSegments: false,
  compounds: true,
};

const INTEGER_LIKE = /^-?[0-9]+$/;

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
   * How often a consumer query may start a sweep (default an hour): retirement and the bound, and where several
   * processes share the indexes, what the others built (PostgreSQL: a minute, so that every process soon renders
   * for a compound index another one built).
   */
  sweepEveryMs?: number;
  /**
   * How long a retired trigram index is kept after queries stop using it, so that none already sent to a
   * reader thread meets a dropped table (default 35 s: past the reader's time bound).
   */
  graceMs?: number;
  now?: () => number;
}

/** The catalog writes that build and drop them (on the catalog writer thread when there is one). */
export interface AutoIndexJobs {
  /** Builds the index; false when it exists already (another process may have built it). */
  build(kind: AutoIndexKind, path: string): Promise<boolean>;
  drop(kind: AutoIndexKind, path: string): Promise<boolean>;
}

/** What an engine gives {@link AutoIndexes}: its jobs, the indexes it has, and how it names and serves them. */
export interface AutoIndexEngine extends AutoIndexJobs {
  /** The automatic indexes that exist when the store opens. */
  existing: ReadonlyArray<{ kind: AutoIndexKind; path: string }>;
  /** Dotted paths an entity type declares in `indexes` (an index the coordinator pinned). */
  declared(): ReadonlySet<string> | Promise<ReadonlySet<string>>;
  /** The name of the automatic index of this kind on `path`. */
  name(kind: AutoIndexKind, path: string): string;
  leaves: IndexableLeaves;
  /** Cuts a running build short when the store closes (one that would otherwise hold the close up). */
  cancel?(): Promise<void>;
  /**
   * Where several processes share the indexes: those that exist now, and those any process used since the
   * last call. Each sweep starts from them, so the bound, the retirement and the forbidden paths hold for
   * the indexes of the whole database, not only for those this process built or used.
   */
  current?(): Promise<{ present: ReadonlySet<string>; used: ReadonlySet<string> }>;
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
 * `$in`, ranges and null/boolean tests (as far as the engine's `leaves` serve them; numbers may need an
 * index of kind `number`); the trigram index for a `$regex` on `name` whose pattern has a literal
 * fragment. Never under a negation, never a masked rewrite (it reads through bbk_json_without), never
 * an OR with an arm no index serves.
 */
export function indexablePaths(ir: Ir, leaves: IndexableLeaves = SQLITE_LEAVES, out = new Set<string>()): Set<string> {
  switch (ir.kind) {
    case 'and': {
      for (const item of ir.items) indexablePaths(item, leaves, out);
      const compound = leaves.compounds ? compoundOf(ir.items, leaves) : undefined;
      if (compound) out.add(keyOf('compound', compound));
      break;
    }
    case 'or': {
      // an index serves an OR only when it serves every arm: one arm that needs a scan needs it for all
      const arms = ir.items.map((item) => indexablePaths(item, leaves));
      if (arms.every((keys) => keys.size > 0)) for (const keys of arms) for (const k of keys) out.add(k);
      break;
    }
    case 'typeSwitch':
      for (const c of ir.cases) indexablePaths(c.body, leaves, out);
      indexablePaths(ir.otherwise, leaves, out);
      break;
    case 'cmp':
    case 'inText':
    case 'inNumber':
    case 'jsonType':
    case 'nullish': {
      const path = leafPath(ir, leaves);
      if (path === undefined) break;
      const numeric = (ir.kind === 'cmp' && typeof ir.value === 'number') || ir.kind === 'inNumber';
      out.add(keyOf(numeric && leaves.numbers ? 'number' : 'expression', path));
      break;
    }
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

/** The dotted path of a leaf an expression index serves, or undefined. */
function leafPath(ir: IndexLeaf, leaves: IndexableLeaves) {
  const f = ir.field;
  // a field read from its own column (the entity type: records_type) needs no expression index
  if (f.without.length > 0 || f.path.some((s) => s === '') || recordColumn(f)) return undefined;
  if (!leaves.integerSegments && f.path.some((s) => INTEGER_LIKE.test(s))) return undefined;
  if ((ir.kind === 'jsonType' || ir.kind === 'nullish') && !leaves.typeTests) return undefined;
  if (ir.kind === 'cmp' && typeof ir.value === 'string' && ir.op !== 'eq' && !leaves.textRanges) return undefined;
  return f.path.join('.');
}

/**
 * The path of a range: a comparison, or the OR the compiler makes of a one-sided number range (`$gt: 1` also
 * matches the types ordered above numbers: the comparison OR type tests of the same path, each arm an index range).
 */
function rangePath(ir: Ir, leaves: IndexableLeaves): string | undefined {
  // PostgreSQL: a number range (its compound index holds the number expression)
  const served = (arm: Ir) =>
    arm.kind === 'cmp' && arm.op !== 'eq' && (!leaves.numbers || typeof arm.value === 'number');
  if (ir.kind === 'cmp') return served(ir) ? leafPath(ir, leaves) : undefined;
  if (ir.kind !== 'or' || !ir.items.some(served)) return undefined;
  const paths = new Set(
    ir.items.map((arm) => (served(arm) || arm.kind === 'jsonType') && leafPath(arm as IndexLeaf, leaves)),
  );
  const [path] = paths;
  return paths.size === 1 && typeof path === 'string' ? path : undefined;
}

type IndexLeaf = Ir & { kind: 'cmp' | 'inText' | 'inNumber' | 'jsonType' | 'nullish' };

/** Whether a leaf is an equality a compound index serves (PostgreSQL: a string equality, whose text it hashes). */
function isEquality(ir: Ir, leaves: IndexableLeaves): ir is IndexLeaf {
  if (ir.kind === 'cmp') return ir.op === 'eq' && (!leaves.numbers || typeof ir.value === 'string');
  return !leaves.numbers && (ir.kind === 'inText' || ir.kind === 'inNumber');
}

/**
 * The compound index an AND's items could use: the path of its first equality (or `$in`) and of its first range
 * on another path, as {@link compoundPath}; undefined without both. The PostgreSQL renderer asks it too, to know
 * which equality to render for the index (`storage/postgres/catalog.ts`).
 */
export function compoundOf(items: readonly Ir[], leaves: IndexableLeaves): string | undefined {
  let equality: string | undefined;
  let range: string | undefined;
  for (const item of items) {
    if (isEquality(item, leaves)) equality ??= leafPath(item, leaves);
    else range ??= rangePath(item, leaves);
  }
  // a range on the equality's own path is served by the single index
  return equality !== undefined && range !== undefined && equality !== range
    ? compoundPath(equality, range)
    : undefined;
}

/**
 * Indexes that build themselves: counts what consumer queries filter on and, once a path was asked
 * `threshold` times, builds an index for it in the background (one at a time, through `jobs`: on the
 * catalog writer thread, so requests go on meanwhile): an expression index for equality, `$in` and
 * ranges, the trigram index of names for regexes on `name`. At most `max` at a time; one no query used
 * for `retireAfterMs` is dropped, as are those on forbidden paths and expression indexes that a declared
 * one (entity type `indexes`, the coordinator's pin) makes redundant. Engine-neutral: the engine
 * (`sqlite/auto-indexes.ts`, `postgres/auto-indexes.ts`) builds, drops, names and lists them.
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
  readonly #sweepEveryMs: number;
  readonly #graceMs: number;
  readonly #now: () => number;
  #job: Promise<void> | undefined;
  readonly #closing = new AbortController();
  #lastSweep = Number.NEGATIVE_INFINITY;
  #generation = 0;

  constructor(
    private readonly engine: AutoIndexEngine,
    options: AutoIndexOptions = {},
  ) {
    this.#max = Math.max(0, options.max ?? 8);
    this.#threshold = Math.max(1, options.threshold ?? 3);
    this.#forbid = new Set(options.forbid ?? []);
    this.#retireAfterMs = options.retireAfterMs ?? 7 * 24 * 3600_000;
    this.#sweepEveryMs = Math.max(0, options.sweepEveryMs ?? 3600_000);
    this.#graceMs = options.graceMs ?? 35_000;
    this.#now = options.now ?? Date.now;
    const now = this.#now();
    for (const r of engine.existing) this.#indexed.set(keyOf(r.kind, r.path), now);
  }

  /**
   * Trigram indexes queries may use now, by the path whose text they hold (render-sqlite's `textIndexes`).
   * Changes only with {@link generation}.
   */
  textIndexes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.#indexed.keys()) {
      const { kind, path } = parseKey(key);
      if (kind === 'trigram') out[path] = this.engine.name(kind, path);
    }
    return out;
  }

  /** The paths of the compound indexes queries may use now (`compoundPath`s). */
  compounds(): Set<string> {
    const out = new Set<string>();
    for (const key of this.#indexed.keys()) {
      const { kind, path } = parseKey(key);
      if (kind === 'compound') out.add(path);
    }
    return out;
  }

  /** Grows whenever {@link textIndexes} changes, so that renderings of queries can be dropped. */
  get generation(): number {
    return this.#generation;
  }

  /** Notes what a consumer query filters on; may start building or retiring an index. */
  observe(filter: Ir | undefined): void {
    const now = this.#now();
    if (now - this.#lastSweep >= Math.min(this.#retireAfterMs, this.#sweepEveryMs)) this.#sweep(now);
    if (!filter) return;
    for (const key of indexablePaths(filter, this.engine.leaves)) {
      if (this.#indexed.has(key)) {
        this.#indexed.set(key, now);
        continue;
      }
      if (this.#max === 0 || this.#forbidden(key)) continue;
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
        return { kind, path, name: this.engine.name(kind, path), lastUsed };
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
    if (this.#job) await this.engine.cancel?.();
    await this.settled();
  }

  /** Whether the index `key` reads a forbidden path (a compound index reads two). */
  #forbidden(key: string): boolean {
    const { kind, path } = parseKey(key);
    return indexedPaths(kind, path).some((p) => this.#forbid.has(p));
  }

  /** `expression:path` keys of the declared paths: a declared index serves what such an index would. */
  async #declared(): Promise<Set<string>> {
    return new Set([...(await this.engine.declared())].map((p) => keyOf('expression', p)));
  }

  #consider(key: string, now: number): void {
    if (this.#job) {
      if (this.#waiting.size < 64) this.#waiting.add(key);
      return;
    }
    this.#seen.delete(key);
    this.#waiting.delete(key);
    let victim: string | undefined;
    if (this.#indexed.size >= this.#max) {
      const [oldest, lastUsed] = [...this.#indexed].sort((a, b) => a[1] - b[1])[0]!;
      if (now - lastUsed < this.#retireAfterMs) return; // all in use: the bound holds
      victim = oldest;
    }
    this.#run(async () => {
      if ((await this.#declared()).has(key)) return;
      if (victim !== undefined) await this.#drop(victim);
      const { kind, path } = parseKey(key);
      await this.engine.build(kind, path);
      this.#indexed.set(key, this.#now());
      if (kind === 'trigram') this.#generation++;
    });
  }

  /** Drops what is retired, forbidden, declared, or over the bound (least recently used first). */
  #sweep(now: number): void {
    if (this.#job || (this.#indexed.size === 0 && !this.engine.current)) return;
    this.#lastSweep = now;
    this.#run(async () => {
      if (this.engine.current) {
        const { present, used } = await this.engine.current();
        for (const key of [...this.#indexed.keys()]) if (!present.has(key)) this.#indexed.delete(key);
        for (const key of present) if (!this.#indexed.has(key) || used.has(key)) this.#indexed.set(key, now);
      }
      const declared = await this.#declared();
      const byUse = [...this.#indexed].sort((a, b) => b[1] - a[1]);
      const unwanted = ([key, lastUsed]: [string, number]) =>
        this.#forbidden(key) || declared.has(key) || now - lastUsed >= this.#retireAfterMs;
      const kept = byUse.filter((e) => !unwanted(e));
      const victims = [...byUse.filter(unwanted), ...kept.slice(this.#max)].map(([key]) => key);
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
    await this.engine.drop(kind, path);
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

/** The automatic indexes as a catalog explain shows them (none when the store has none). */
export function explainedAutoIndexes(auto: AutoIndexes | undefined): CatalogExplain['automaticIndexes'] {
  return (auto?.list() ?? []).map((i) => ({
    kind: i.kind,
    path: i.path,
    name: i.name,
    lastUsed: new Date(i.lastUsed).toISOString(),
  }));
}
