import { describe, expect, it } from 'vitest';
import type { TokenUse } from '../storage/types.js';
import { TokenUsage } from './token-usage.js';

/** A token store that records each batch it is asked to write, failing while `failing` is set. */
function fakeTokens() {
  const batches: TokenUse[][] = [];
  const state = { failing: false };
  return {
    batches,
    state,
    tokens: {
      async recordUses(uses: readonly TokenUse[]) {
        if (state.failing) throw new Error('database is busy');
        batches.push([...uses]);
      },
    },
  };
}

describe('TokenUsage: last use without a write per request', () => {
  it('writes nothing on touch; one batch per flush with the latest use of each token', async () => {
    const fake = fakeTokens();
    let now = Date.parse('2030-01-01T00:00:00Z');
    const usage = new TokenUsage({ tokens: fake.tokens, now: () => now, flushEveryMs: 3_600_000 });
    for (let i = 0; i < 1000; i++) {
      usage.touch(i % 2 ? 'a' : 'b');
      now += 1000;
    }
    expect(fake.batches).toEqual([]);
    await usage.flush();
    expect(fake.batches).toEqual([
      [
        { keyId: 'b', at: new Date(now - 2000).toISOString() },
        { keyId: 'a', at: new Date(now - 1000).toISOString() },
      ],
    ]);
    await usage.flush(); // nothing new: no write
    expect(fake.batches).toHaveLength(1);
    await usage.close();
  });

  it('keeps the uses of a failed write for the next one, newer uses winning', async () => {
    const fake = fakeTokens();
    let now = 1_000_000;
    const usage = new TokenUsage({ tokens: fake.tokens, now: () => now, flushEveryMs: 3_600_000 });
    usage.touch('a');
    usage.touch('b');
    fake.state.failing = true;
    await expect(usage.flush()).resolves.toBeUndefined();
    fake.state.failing = false;
    now += 5000;
    usage.touch('a');
    await usage.close();
    expect(fake.batches).toEqual([
      [
        { keyId: 'a', at: new Date(1_005_000).toISOString() },
        { keyId: 'b', at: new Date(1_000_000).toISOString() },
      ],
    ]);
  });

  it('flushes asked at once share one write; a use noted during a write is in the next', async () => {
    const written: TokenUse[][] = [];
    let release = (): void => {};
    const tokens = {
      async recordUses(uses: readonly TokenUse[]) {
        written.push([...uses]);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    const usage = new TokenUsage({ tokens, now: () => 1_000_000, flushEveryMs: 3_600_000 });
    usage.touch('a');
    const first = usage.flush();
    // flushes asked before the write starts share it
    const same = usage.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    usage.touch('b');
    // ten lists at once: one more write, for b, queued behind the one in progress
    const many = Array.from({ length: 10 }, () => usage.flush());
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(written.map((w) => w.map((u) => u.keyId))).toEqual([['a']]);
    release();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await Promise.all([same, ...many]);
    expect(written.map((w) => w.map((u) => u.keyId))).toEqual([['a'], ['b']]);
    // nothing new: a flush waits for nothing and writes nothing
    await usage.flush();
    expect(written).toHaveLength(2);
    await usage.close();
  });
});
