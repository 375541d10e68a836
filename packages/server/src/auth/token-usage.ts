import type { TokenStore } from '../storage/store.js';
import type { TokenUse } from '../storage/types.js';

/** Options of {@link TokenUsage}. */
export interface TokenUsageOptions {
  tokens: Pick<TokenStore, 'recordUses'>;
  /** The server clock (ms since the epoch). */
  now: () => number;
  /** How often remembered uses are written; default 60 000 ms. */
  flushEveryMs?: number;
}

/**
 * When each token was last accepted, without a database write per request: uses are kept in
 * memory (one map entry per token) and written in one transaction every `flushEveryMs`, before a
 * coordinator reads them (`flush`), and when the server closes. A failed write keeps them for the
 * next one. Up to a minute of uses can be lost if the process dies without closing.
 * @example const usage = new TokenUsage({ tokens: store.tokens, now: Date.now }); usage.touch(keyId);
 */
export class TokenUsage {
  readonly #tokens: TokenUsageOptions['tokens'];
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  #pending = new Map<string, number>();
  #writing: Promise<void> = Promise.resolve();
  /** A write waiting for the one in progress, not started yet. */
  #queued: Promise<void> | undefined;

  constructor({ tokens, now, flushEveryMs = 60_000 }: TokenUsageOptions) {
    this.#tokens = tokens;
    this.#now = now;
    this.#timer = setInterval(() => void this.flush(), flushEveryMs);
    this.#timer.unref();
  }

  /** Notes that the token with this key id was accepted now. */
  touch(keyId: string): void {
    this.#pending.set(keyId, this.#now());
  }

  /**
   * Writes the uses remembered so far; resolves once they are stored (or kept for the next try). Never throws.
   * Flushes asked at once share one write: one already queued takes every use noted until it starts, and with
   * nothing noted the write in progress is all there is to wait for (a coordinator's list asks for a flush, and
   * lists read at once each waited for a write of their own, one after another).
   */
  flush(): Promise<void> {
    if (this.#queued) return this.#queued;
    if (this.#pending.size === 0) return this.#writing;
    const queued = this.#writing.then(() => {
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = queued;
    this.#writing = queued;
    return queued;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const uses: TokenUse[] = [...batch].map(([keyId, at]) => ({ keyId, at: new Date(at).toISOString() }));
    try {
      await this.#tokens.recordUses(uses);
    } catch {
      // the database was busy or closing: keep the uses (newer ones win) for the next write
      for (const [keyId, at] of batch) if (!((this.#pending.get(keyId) ?? 0) > at)) this.#pending.set(keyId, at);
    }
  }
}
