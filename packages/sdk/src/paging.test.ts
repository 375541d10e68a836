import { describe, expect, it } from 'vitest';
import { BbkApiError } from './errors.js';
import {
  offsetPageList,
  offsetPages,
  retrying,
  TIMESERIES_FLOOR,
  type TimeseriesOptions,
  timeseriesPageList,
  timeseriesPages,
  toIso,
} from './paging.js';
import type { TimeseriesPoint } from './protocol/types.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('offsetPages', () => {
  const list = Array.from({ length: 7 }, (_, i) => i);
  const fetcher = (requests: [number, number][]) => async (limit: number, offset: number) => {
    requests.push([limit, offset]);
    return list.slice(offset, offset + limit);
  };

  it('pages until a short page', async () => {
    const requests: [number, number][] = [];
    expect(await collect(offsetPages(fetcher(requests), 3))).toEqual(list);
    expect(requests).toEqual([
      [3, 0],
      [3, 3],
      [3, 6],
    ]);
  });

  it('asks once more after an exactly full last page', async () => {
    const requests: [number, number][] = [];
    expect(await collect(offsetPages(fetcher(requests), 7))).toEqual(list);
    expect(requests).toEqual([
      [7, 0],
      [7, 7],
    ]);
  });

  it('defaults to pages of 250 and rejects bigger ones', async () => {
    const requests: [number, number][] = [];
    await collect(offsetPages(fetcher(requests)));
    expect(requests).toEqual([[250, 0]]);
    await expect(offsetPages(fetcher([]), 251).next()).rejects.toThrow(RangeError);
  });

  it('stops fetching when the consumer stops iterating', async () => {
    const requests: [number, number][] = [];
    for await (const x of offsetPages(fetcher(requests), 2)) if (x === 1) break;
    expect(requests).toEqual([[2, 0]]);
  });
});

describe('timeseriesPages', () => {
  // Hourly points, newest first, served with start inclusive, end exclusive, limit capping.
  const hour = 3_600_000;
  const base = Date.parse('2020-01-01T00:00:00.000Z');
  const series: TimeseriesPoint<number>[] = Array.from({ length: 10 }, (_, i) => ({
    from: new Date(base + (9 - i) * hour).toISOString(),
    value: 9 - i,
  }));
  const serve =
    (requests: TimeseriesOptions[], data = series) =>
    async (p: TimeseriesOptions & { limit: number }) => {
      requests.push(p);
      const start = p.start === undefined ? -Infinity : Date.parse(toIso(p.start));
      const end = p.end === undefined ? Infinity : Date.parse(toIso(p.end));
      return data.filter((x) => Date.parse(x.from) >= start && Date.parse(x.from) < end).slice(0, p.limit);
    };

  it('walks back by moving end to the oldest from, without duplicates', async () => {
    const requests: TimeseriesOptions[] = [];
    const points = await collect(timeseriesPages(serve(requests), { pageSize: 4 }));
    expect(points.map((p) => p.value)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(requests).toEqual([
      { limit: 4 },
      { start: TIMESERIES_FLOOR, end: series[3]?.from, limit: 4 },
      { start: TIMESERIES_FLOOR, end: series[7]?.from, limit: 4 },
    ]);
  });

  it('keeps the caller start and stops when the cursor reaches it', async () => {
    const requests: TimeseriesOptions[] = [];
    const start = new Date(base + 6 * hour);
    const points = await collect(timeseriesPages(serve(requests), { start, pageSize: 2 }));
    expect(points.map((p) => p.value)).toEqual([9, 8, 7, 6]);
    expect(requests.map((r) => r.start)).toEqual([start, start.toISOString()]);
  });

  it('passes duration on the first page only', async () => {
    const requests: TimeseriesOptions[] = [];
    const start = '2020-01-01T00:00:00.000Z';
    await collect(timeseriesPages(serve(requests), { start, duration: 3600, pageSize: 10 }));
    expect(requests).toEqual([{ start, duration: 3600, limit: 10 }]);
  });

  it('stops when the webhook ignores end', async () => {
    const requests: TimeseriesOptions[] = [];
    const ignoring = async (p: TimeseriesOptions & { limit: number }) => {
      requests.push(p);
      return series.slice(0, p.limit);
    };
    const points = await collect(timeseriesPages(ignoring, { pageSize: 3 }));
    expect(points.map((p) => p.value)).toEqual([9, 8, 7]);
    expect(requests).toHaveLength(2);
  });

  it('stops on unparseable from values', async () => {
    const bad = async () => [{ from: 'yesterday', value: 1 }];
    expect(await collect(timeseriesPages(bad, { pageSize: 1 }))).toHaveLength(1);
  });
});

describe('retrying (429)', () => {
  const tooMany = (retryAfter?: string) =>
    new BbkApiError({
      status: 429,
      body: { error: { code: 429, status: 'Too Many Requests', message: '' } },
      headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    });

  it('waits Retry-After and asks again, telling onRetry', async () => {
    let calls = 0;
    const waits: number[] = [];
    const fetch = retrying(
      async () => {
        calls++;
        if (calls < 3) throw tooMany('0.01');
        return 'ok';
      },
      { onRetry: ({ waitMs }) => waits.push(waitMs) },
    );
    expect(await fetch()).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([10, 10]);
  });

  it('gives up after maxRetries, or when the wait would pass maxWaitMs, or on other errors', async () => {
    let calls = 0;
    const always = async () => {
      calls++;
      throw tooMany('0');
    };
    await expect(retrying(always, { maxRetries: 2 })()).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(3);
    calls = 0;
    const quota = async () => {
      calls++;
      throw tooMany('86400');
    };
    await expect(retrying(quota, {})()).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(1);
    calls = 0;
    await expect(retrying(always, false)()).rejects.toMatchObject({ status: 429 });
    expect(calls).toBe(1);
    const notFound = retrying(async () => {
      throw new BbkApiError({ status: 404, body: '' });
    });
    await expect(notFound()).rejects.toMatchObject({ status: 404 });
  });

  it('shares one wait budget across the pages of an iteration; no Retry-After waits defaultWaitMs', async () => {
    let calls = 0;
    const pages = offsetPageList(
      async (limit: number, offset: number) => {
        calls++;
        if (calls % 2 === 1) throw tooMany();
        return Array.from({ length: Math.min(limit, 5 - offset) }, (_, i) => offset + i);
      },
      2,
      { defaultWaitMs: 20, maxWaitMs: 50 },
    );
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const page of pages) seen.push(page);
      })(),
    ).rejects.toMatchObject({ status: 429 });
    // Two waits of 20 ms fit the 50 ms budget, the third does not: the pages fetched so far were yielded.
    expect(seen).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});

describe('page lists', () => {
  it('offsetPageList yields non-empty pages as they come', async () => {
    const list = Array.from({ length: 5 }, (_, i) => i);
    const pages: number[][] = [];
    for await (const page of offsetPageList(async (limit, offset) => list.slice(offset, offset + limit), 2))
      pages.push(page);
    expect(pages).toEqual([[0, 1], [2, 3], [4]]);
    const exact: number[][] = [];
    for await (const page of offsetPageList(async (limit, offset) => list.slice(offset, offset + limit), 5))
      exact.push(page);
    expect(exact).toEqual([list]);
  });

  it('timeseriesPageList yields each page of points', async () => {
    const points = Array.from({ length: 5 }, (_, i) => ({
      from: new Date(Date.UTC(2000 + 4 - i, 0, 1)).toISOString(),
      value: i,
    }));
    const pages: number[][] = [];
    const fetch = async (params: TimeseriesOptions & { limit: number }) =>
      points.filter((p) => params.end === undefined || p.from < toIso(params.end)).slice(0, params.limit);
    for await (const page of timeseriesPageList(fetch, { pageSize: 2 })) pages.push(page.map((p) => p.value));
    expect(pages).toEqual([[0, 1], [2, 3], [4]]);
  });
});
