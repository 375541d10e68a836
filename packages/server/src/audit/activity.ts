/**
 * Consumer activity, summarised per key (an access) per clock minute, in memory: a consumer call costs a
 * map lookup and three additions (and a clock read when the caller has none), never a database write.
 * When the minute rolls over (noticed by the next call, or by a timer every few seconds) the finished
 * minute is handed to `flush`, one summary per key; `close` hands over the minute in progress.
 */

/** What one key did in one minute. */
export interface ActivityCounts {
  /** Consumer calls answered (any status). */
  calls: number;
  /** Records served: items of the lists, 1 per entity detail. */
  records: number;
  /** Calls refused with 429 (rate or quota). */
  limited: number;
}

/** One key's summary of one minute. */
export interface ActivityMinute extends ActivityCounts {
  /** `access:<id>` (counted by access id) or the key counted. */
  key: string;
  /** Start of the minute, ISO-8601 UTC. */
  minute: string;
}

export interface ActivityAggregatorOptions {
  /** Milliseconds since the epoch (injected in tests). */
  now: () => number;
  /** Receives each finished minute's summaries, in order; one call at a time. */
  flush: (minutes: ActivityMinute[]) => Promise<void>;
  /** Told when a flush failed (the summaries of that minute are lost). */
  onError?: (err: unknown) => void;
  /** How often the timer looks for a finished minute nobody called in (ms, default 5000; 0: no timer). */
  checkEveryMs?: number;
  /** Told of each key's first call in a minute (once per key and minute, not per call), with that minute. */
  onKey?: (key: number | string, minute: number) => void;
}

/** A minute in ms; a minute's number is its start in ms divided by it. */
export const MINUTE_MS = 60_000;

/**
 * Counts consumer calls per key per minute.
 * @example
 * const a = new ActivityAggregator({ now: Date.now, flush: async (m) => console.log(m) });
 * a.count(3, 10, false); // access 3: 10 records
 * a.count('policy:bench', 1, false);
 * await a.close();
 */
export class ActivityAggregator {
  readonly #o: ActivityAggregatorOptions;
  #minute = -1;
  /** by access id (a number) or by key */
  #counts = new Map<number | string, ActivityCounts>();
  #flushing: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: ActivityAggregatorOptions) {
    this.#o = options;
    const every = options.checkEveryMs ?? 5000;
    if (every > 0) {
      this.#timer = setInterval(() => this.#rollIfDue(), every);
      this.#timer.unref();
    }
  }

  /**
   * Counts one answered call of `key`: an access id (summarised as `access:<id>`, with no text made per
   * call) or a key of its own. `nowMs` is the caller's clock read when it has one.
   */
  count(key: number | string, records: number, limited: boolean, nowMs = this.#o.now()): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute !== this.#minute) this.#roll(minute);
    let c = this.#counts.get(key);
    if (!c) {
      c = { calls: 0, records: 0, limited: 0 };
      this.#counts.set(key, c);
      this.#o.onKey?.(key, minute);
    }
    c.calls++;
    c.records += records;
    if (limited) c.limited++;
  }

  /** Hands over the minute in progress and waits for every flush; the timer stops. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#roll(this.#minute);
    await this.#flushing;
  }

  #rollIfDue(): void {
    const minute = Math.floor(this.#o.now() / MINUTE_MS);
    if (minute !== this.#minute) this.#roll(minute);
  }

  #roll(next: number): void {
    const done = this.#counts;
    const start = new Date(this.#minute * MINUTE_MS).toISOString();
    this.#counts = new Map();
    this.#minute = next;
    if (done.size === 0) return;
    const minutes = [...done].map(([key, c]) => ({
      key: typeof key === 'number' ? `access:${key}` : key,
      minute: start,
      ...c,
    }));
    this.#flushing = this.#flushing.then(() => this.#o.flush(minutes)).catch((err: unknown) => this.#o.onError?.(err));
  }
}
