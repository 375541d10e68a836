import { describe, expect, it } from 'vitest';
import { BbkApiError } from './errors.js';
import type { RecordInput, SessionMode, SessionReport } from './protocol/types.js';
import { batches, contribute, type Progress, Session, type SessionTransport, withSession } from './session.js';

type Call =
  | { op: 'open'; cid: string; mode: SessionMode }
  | { op: 'upsert'; sid: string; ids: string[] }
  | { op: 'delete'; sid: string; ids: string[] }
  | { op: 'close'; sid: string; commit: boolean };

/** A fake transport that records calls; it knows nothing of the server beyond the report shape. */
function fakeTransport(options: { failOnCall?: number; failClose?: boolean } = {}) {
  const calls: Call[] = [];
  let opened = 0;
  const report = (ids: string[]): SessionReport => Object.fromEntries(ids.map((id) => [id, `pub-${id}`]));
  const maybeFail = () => {
    if (options.failOnCall !== undefined && calls.length === options.failOnCall) throw new Error('boom');
  };
  const api: SessionTransport = {
    async openSession(cid, mode) {
      calls.push({ op: 'open', cid, mode });
      opened += 1;
      return `sid-${opened}`;
    },
    async upsert(_cid, sid, records) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const ids = records.map((r) => r.id);
      calls.push({ op: 'upsert', sid, ids });
      maybeFail();
      return report(ids);
    },
    async delete(_cid, sid, ids) {
      calls.push({ op: 'delete', sid, ids: [...ids] });
      maybeFail();
      return report([...ids]);
    },
    async closeSession(_cid, sid, commit) {
      calls.push({ op: 'close', sid, commit });
      if (options.failClose) throw new Error('close failed');
    },
  };
  return { api, calls };
}

const records = (n: number): RecordInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `r${i}`, name: `Record ${i}`, entity: { i } }));

const sizes = (calls: Call[]) => calls.map((c) => (c.op === 'upsert' || c.op === 'delete' ? c.ids.length : c.op));

describe('batches', () => {
  it('splits arrays, sync and async iterables in order without empty batches', async () => {
    const collect = async (it: AsyncIterable<number[]>) => {
      const out: number[][] = [];
      for await (const b of it) out.push(b);
      return out;
    };
    expect(await collect(batches([1, 2, 3, 4, 5], 2))).toEqual([[1, 2], [3, 4], [5]]);
    expect(await collect(batches([], 2))).toEqual([]);
    function* gen() {
      yield* [1, 2, 3, 4];
    }
    expect(await collect(batches(gen(), 2))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    async function* agen() {
      for (let i = 0; i < 5; i++) yield i;
    }
    expect(await collect(batches(agen(), 3))).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it('rejects bad sizes and strings', async () => {
    await expect(batches([1], 0).next()).rejects.toThrow(RangeError);
    await expect(batches([1], 251).next()).rejects.toThrow(RangeError);
    await expect(batches([1], 1.5).next()).rejects.toThrow(RangeError);
    await expect(batches('GB' as unknown as string[], 2).next()).rejects.toThrow(TypeError);
  });
});

describe('Session', () => {
  it('splits 600 records into 250 + 250 + 100 and merges the reports', async () => {
    const { api, calls } = fakeTransport();
    const session = await Session.open(api, 'c1', 'accrue');
    const report = await session.upsert(records(600));
    expect(sizes(calls)).toEqual(['open', 250, 250, 100]);
    expect(Object.keys(report)).toHaveLength(600);
    expect(report.r599).toBe('pub-r599');
    expect(session.sent).toBe(600);
  });

  it('reports a refused record at its index among the records given, not within its batch', async () => {
    const { api } = fakeTransport();
    const refusing: SessionTransport = {
      ...api,
      async upsert(cid, sid, batch) {
        const bad = batch.findIndex((r) => r.id === 'r400');
        if (bad < 0) return api.upsert(cid, sid, batch);
        throw new BbkApiError({
          status: 400,
          body: {
            error: {
              code: 400,
              status: 'Bad Request',
              message: [
                { name: 'records.entity.i', index: bad, reason: 'is not of a type(s) integer' },
                { name: 'records', index: null, reason: 'whole' },
              ],
            },
          },
        });
      },
    };
    const err = await contribute(refusing, 'c1', 'stream', records(600)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    expect((err as BbkApiError).items).toEqual([
      { name: 'records.entity.i', index: 400, reason: 'is not of a type(s) integer' },
      { name: 'records', index: null, reason: 'whole' },
    ]);
    expect((err as BbkApiError).message).toContain('[400]');
  });

  it('honours a smaller batch size for deletes and reports progress per batch', async () => {
    const { api, calls } = fakeTransport();
    const progress: Progress[] = [];
    const session = await Session.open(api, 'c1', 'stream', {
      batchSize: 2,
      total: 5,
      onProgress: (p) => progress.push(p),
    });
    await session.delete(['a', 'b', 'c', 'd', 'e']);
    expect(sizes(calls)).toEqual(['open', 2, 2, 1]);
    expect(progress).toEqual([
      { action: 'delete', sent: 2, total: 5 },
      { action: 'delete', sent: 4, total: 5 },
      { action: 'delete', sent: 5, total: 5 },
    ]);
  });

  it('sends calls in call order even when not awaited one by one', async () => {
    const { api, calls } = fakeTransport();
    const session = await Session.open(api, 'c1', 'accrue', { batchSize: 1 });
    const a = session.upsert(records(2));
    const b = session.delete(['r0']);
    const c = session.commit();
    await Promise.all([a, b, c]);
    expect(calls.map((x) => x.op)).toEqual(['open', 'upsert', 'upsert', 'delete', 'close']);
    expect(session.state).toBe('committed');
  });

  it('sends nothing for an empty array', async () => {
    const { api, calls } = fakeTransport();
    const session = await Session.open(api, 'c1', 'accrue');
    expect(await session.upsert([])).toEqual({});
    expect(calls.map((x) => x.op)).toEqual(['open']);
  });

  it('refuses work after close', async () => {
    const { api } = fakeTransport();
    const session = await Session.open(api, 'c1', 'accrue');
    await session.rollback();
    expect(session.state).toBe('rolled-back');
    await expect(session.upsert(records(1))).rejects.toThrow(/already rolled-back/);
    await expect(session.commit()).rejects.toThrow(/already rolled-back/);
  });

  it('rejects an invalid batch size before opening', async () => {
    const { api, calls } = fakeTransport();
    await expect(Session.open(api, 'c1', 'accrue', { batchSize: 500 })).rejects.toThrow(RangeError);
    expect(calls).toEqual([]);
  });
});

describe('withSession', () => {
  it('commits when the callback resolves and returns its value', async () => {
    const { api, calls } = fakeTransport();
    const result = await withSession(api, 'c1', 'replace', async (s) => {
      await s.upsert(records(300));
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls[0]).toEqual({ op: 'open', cid: 'c1', mode: 'replace' });
    expect(sizes(calls)).toEqual(['open', 250, 50, 'close']);
    expect(calls.at(-1)).toEqual({ op: 'close', sid: 'sid-1', commit: true });
  });

  it('rolls back and rethrows the original error when the callback throws', async () => {
    const { api, calls } = fakeTransport();
    const error = new Error('mine');
    await expect(
      withSession(api, 'c1', 'accrue', async (s) => {
        await s.upsert(records(1));
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls.at(-1)).toEqual({ op: 'close', sid: 'sid-1', commit: false });
  });

  it('rolls back when a batch fails, and keeps the batch error over a failing rollback', async () => {
    const { api, calls } = fakeTransport({ failOnCall: 3, failClose: true });
    await expect(withSession(api, 'c1', 'accrue', (s) => s.upsert(records(600)))).rejects.toThrow('boom');
    expect(sizes(calls)).toEqual(['open', 250, 250, 'close']);
    expect(calls.at(-1)).toEqual({ op: 'close', sid: 'sid-1', commit: false });
  });

  it('leaves a session the callback closed itself', async () => {
    const { api, calls } = fakeTransport();
    await withSession(api, 'c1', 'accrue', (s) => s.rollback());
    expect(calls.filter((c) => c.op === 'close')).toEqual([{ op: 'close', sid: 'sid-1', commit: false }]);
  });

  it('surfaces a failing commit', async () => {
    const { api } = fakeTransport({ failClose: true });
    await expect(withSession(api, 'c1', 'accrue', async () => 1)).rejects.toThrow('close failed');
  });
});

describe('contribute', () => {
  it('streams an async generator in batches and commits', async () => {
    const { api, calls } = fakeTransport();
    async function* source() {
      for (const r of records(501)) yield r;
    }
    const progress: Progress[] = [];
    const result = await contribute(api, 'c1', 'replace', source(), { onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ sessionId: 'sid-1', sent: 501 });
    expect(sizes(calls)).toEqual(['open', 250, 250, 1, 'close']);
    expect(progress.map((p) => p.sent)).toEqual([250, 500, 501]);
    expect(progress[0]?.total).toBeUndefined();
  });

  it('knows the total of an array', async () => {
    const { api } = fakeTransport();
    const progress: Progress[] = [];
    await contribute(api, 'c1', 'accrue', records(3), { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { action: 'upsert', sent: 2, total: 3 },
      { action: 'upsert', sent: 3, total: 3 },
    ]);
  });

  it('rolls back when the source throws', async () => {
    const { api, calls } = fakeTransport();
    async function* source() {
      yield* records(2);
      throw new Error('source broke');
    }
    await expect(contribute(api, 'c1', 'accrue', source(), { batchSize: 1 })).rejects.toThrow('source broke');
    expect(sizes(calls)).toEqual(['open', 1, 1, 'close']);
    expect(calls.at(-1)).toEqual({ op: 'close', sid: 'sid-1', commit: false });
  });
});
