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
});
