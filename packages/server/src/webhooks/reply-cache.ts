interface Entry<T> {
  value: T;
  /** When the reply was received (ms). */
  at: number;
  size: number;
}

export interface ReplyCacheOptions {
  /** Most entries kept. Default 10 000. */
  maxEntries?: number;
  /** Most total reply bytes kept. Default 64 MiB. */
  maxBytes?: number;
}

/**
 * Webhook replies by key, least recently used evicted first, bounded by
 * entry count and bytes. Freshness is decided at read time against the
 * connector's current `cache` seconds, so lowering `cache` takes effect at once.
 */
export class ReplyCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(options: ReplyCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  /** The value cached under `key` if it was received less than `ttlMs` ago. */
  get(key: string, ttlMs: number, nowMs: number): T | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (ttlMs <= 0 || nowMs - e.at >= ttlMs || nowMs < e.at) {
      this.#delete(key, e);
      return undefined;
    }
    // refresh recency: Map keeps insertion order
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: string, value: T, size: number, nowMs: number): void {
    if (size > this.#maxBytes) return;
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, { value, at: nowMs, size });
    this.#bytes += size;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#delete(k, e);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #delete(key: string, e: Entry<T>): void {
    this.#entries.delete(key);
    this.#bytes -= e.size;
  }
}
