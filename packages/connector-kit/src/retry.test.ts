import { BbkApiError, BbkNetworkError } from '@bbk/sdk';
import { describe, expect, it } from 'vitest';
import { backoffDelay, isAmbiguous, isRetryable, type RetryInfo, withRetry } from './retry.js';

const api = (status: number) =>
  new BbkApiError({ status, body: { error: { code: status, status: 'x', message: '' } } });
const net = (kind: 'network' | 'timeout' | 'aborted' | 'invalid-response') =>
  new BbkNetworkError(kind, { method: 'GET', url: 'http://x/v1' });

describe('isRetryable', () => {
  it('retries network failures, timeouts and 5xx, never 4xx, aborts or malformed 2xx', () => {
    expect([500, 502, 503].map((s) => isRetryable(api(s)))).toEqual([true, true, true]);
    expect([400, 401, 404, 409, 429].map((s) => isRetryable(api(s)))).toEqual([false, false, false, false, false]);
    expect(isRetryable(net('network'))).toBe(true);
    expect(isRetryable(net('timeout'))).toBe(true);
    expect(isRetryable(net('aborted'))).toBe(false);
    expect(isRetryable(net('invalid-response'))).toBe(false);
    expect(isRetryable(new Error('programming error'))).toBe(false);
  });

  it('calls only unanswered requests ambiguous', () => {
    expect(isAmbiguous(net('network'))).toBe(true);
    expect(isAmbiguous(api(503))).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { jitter: false, minDelayMs: 100, maxDelayMs: 1000 }));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters into the upper half of the delay', () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(400);
    expect(backoffDelay(3, { random: () => 0.999999 })).toBe(800);
  });
});

describe('withRetry', () => {
  it('retries until success and reports each retry', async () => {
    const slept: number[] = [];
    const retries: RetryInfo[] = [];
    let calls = 0;
    const result = await withRetry(
      'upsert',
      async (attempt) => {
        calls++;
        if (attempt < 3) throw attempt === 1 ? net('network') : api(503);
        return 'done';
      },
      { jitter: false, sleep: async (ms) => void slept.push(ms), onRetry: (info) => retries.push(info) },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(slept).toEqual([200, 400]);
    expect(retries.map((r) => [r.operation, r.attempt, r.delayMs])).toEqual([
      ['upsert', 1, 200],
      ['upsert', 2, 400],
    ]);
  });

  it('rethrows a 4xx at once', async () => {
    let calls = 0;
    const error = api(400);
    await expect(
      withRetry(
        'upsert',
        async () => {
          calls++;
          throw error;
        },
        { sleep: async () => {} },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('gives up after `retries` retries with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        'open',
        async () => {
          calls++;
          throw api(500 + calls);
        },
        { retries: 2, sleep: async () => {} },
      ),
    ).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(3);
  });

  it('rejects a negative retry count', async () => {
    await expect(withRetry('x', async () => 1, { retries: -1 })).rejects.toThrow(RangeError);
  });
});
