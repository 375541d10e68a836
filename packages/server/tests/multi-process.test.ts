// Several bbk processes on one PostgreSQL schema: each is a real `bbk start --database …` (the built
// CLI, packages/cli/dist/bundle) in its own OS process, and every call may land on any of them. Each test
// proves one point of issue 10 "Several processes, one database". Skipped without
// BBK_TEST_DATABASE_URL (scripts/test.mjs says so once).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ContributorClient, CoordinatorClient, type PolicyDefinition, type Query } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../src/query/testing/postgres.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { createTestSchema } from '../src/storage/postgres/testing/pg-schema.js';
import { call } from './harness.js';

const CLI = fileURLToPath(new URL('../../cli/dist/bundle/cli.js', import.meta.url));

interface Urls {
  coordinator: string;
  contributor: string;
  consumer: string;
}

/** One `bbk start` process. */
interface BbkProcess {
  urls: Urls;
  bootstrapToken?: string;
  /** SIGTERM, then waits for the exit (the process writes what it holds first). */
  stop(): Promise<void>;
}

async function startBbk(schema: string, dataDir: string): Promise<BbkProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, BBK_DATABASE_SCHEMA: schema };
  for (const k of ['BBK_DATABASE_URL', 'BBK_MODE', 'BBK_DATA_DIR']) delete env[k];
  const ports = ['--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'];
  const args = [CLI, 'start', '--database', TEST_DATABASE_URL!, '--data-dir', dataDir, ...ports];
  const child = spawn(process.execPath, [...args, '--json', '--log-level', 'silent', '--no-console'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bbk start exited with ${code}: ${stderr}`)));
  });
  const started = JSON.parse(line) as { urls: Urls; bootstrapToken?: string };
  return {
    ...started,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const get = (url: string, token: string) => call(url, { token });
const policyBody = (
  pid: string,
  accessControl: PolicyDefinition['access_control'],
  segment: Query = { type: 'thing' },
) => ({
  name: pid,
  description: `policy ${pid}`,
  policy: {
    access_control: accessControl,
    data_segment: { segment_query: segment, field_masks: [] },
    legal_context: [],
  },
});

describe.skipIf(!TEST_DATABASE_URL || !existsSync(CLI))('several bbk processes, one PostgreSQL database', () => {
  let place: { schema: string; drop(): Promise<void> };
  const dirs: string[] = [];
  let procs: BbkProcess[] = [];
  let admin: string;
  let coord: CoordinatorClient;
  let uid: number;
  let contributorToken: string;
  let cid: string;
  /** Process i of the running ones (round robin over the spread of calls). */
  const p = (i: number) => procs[i % procs.length]!;
  const startAll = async (n: number) => {
    for (let i = dirs.length; i < n; i++) dirs.push(mkdtempSync(join(tmpdir(), 'bbk-mp-')));
    // the first start creates the schema and prints the bootstrap token; the others start together
    const first = await startBbk(place.schema, dirs[0]!);
    const rest = await Promise.all(dirs.slice(1, n).map((d) => startBbk(place.schema, d)));
    procs = [first, ...rest];
    admin ??= first.bootstrapToken!;
    await coord?.close();
    coord = coordinatorOf(0);
    return first;
  };
  const contributor = (i: number) => new ContributorClient({ baseUrl: p(i).urls.contributor, token: contributorToken });
  const coordinatorOf = (i: number) => new CoordinatorClient({ baseUrl: p(i).urls.coordinator, token: admin });
  const consumerTokenFor = async (pid: string, accessControl: PolicyDefinition['access_control'], segment?: Query) => {
    await coord.policies.create(pid, policyBody(pid, accessControl, segment));
    return coord.accesses.grant(uid, pid);
  };

  beforeAll(async () => {
    place = await createTestSchema(TEST_DATABASE_URL!);
    await startAll(2);
    await coord.entityTypes.create('thing', { name: 'Thing', description: 'things' });
    const created = await coord.connectors.create('thing', 'things', { name: 'things', description: 'things' });
    await coord.connectors.promote('thing', 'things');
    contributorToken = created.token;
    cid = created.id;
    uid = (await coord.users.create({ name: 'Consumer', email: 'c@example.org', organization: 'Example' })).id;
  }, 120_000);
  afterAll(async () => {
    await coord?.close();
    await Promise.all(procs.map((x) => x.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await place?.drop();
  });

  it('a session opened through one process is posted to through both and closed through the other, in posted order', async () => {
    const [a, b] = [contributor(0), contributor(1)];
    const sid = await a.openSession(cid, 'accrue');
    // alternate processes, one call after another: their order is the order posted
    await b.upsert(cid, sid, [{ id: 'x', name: 'x1', entity: {} }]);
    await a.upsert(cid, sid, [{ id: 'y', name: 'y1', entity: {} }]);
    await b.upsert(cid, sid, [{ id: 'x', name: 'x2', entity: {} }]);
    await a.delete(cid, sid, ['y']);
    await b.upsert(cid, sid, [{ id: 'z', name: 'z1', entity: {} }]);
    await a.upsert(cid, sid, [{ id: 'y', name: 'y2', entity: {} }]);
    await b.closeSession(cid, sid, true);
    // its audit entry counts what every process wrote (the session's row keeps the tally)
    const [entry] = await coordinatorOf(1).audit.list({ action: 'session.commit', order: 'desc', limit: 1 });
    expect(entry?.detail).toEqual({ mode: 'accrue', upserts: 5, deletes: 1 });
    // the stale session id is refused through either process
    await expect(a.upsert(cid, sid, [{ id: 'late', name: 'late', entity: {} }])).rejects.toMatchObject({ status: 401 });
    const token = await consumerTokenFor('everything', { enabled: false });
    for (const proc of procs) {
      const list = await get(`${proc.urls.consumer}/entity/thing?limit=100`, token);
      // x keeps its place with its last document; y was deleted, so it follows z (first upsert after its delete)
      expect((list.json as { name: string }[]).map((r) => r.name)).toEqual(['x2', 'z1', 'y2']);
    }
    await Promise.all([a.close(), b.close()]);
  });

  it('a replace commit is one transaction: a reader polling through the other process never sees a partial catalog', async () => {
    const batch = await coord.connectors.create('thing', 'replaced', { name: 'replaced', description: 'r' });
    await coord.connectors.promote('thing', 'replaced');
    const writer = new ContributorClient({ baseUrl: p(0).urls.contributor, token: batch.token });
    const N = 120;
    const gen = (g: number, from: number) =>
      Array.from({ length: N }, (_, i) => ({ id: `k${from + i}`, name: `g${g}`, entity: { i } }));
    await writer.contribute(batch.id, 'stream', gen(1, 0));
    const token = await consumerTokenFor('replaced', { enabled: false }, { name: { $in: ['g1', 'g2'] } });
    const seen = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const r = await get(`${p(1).urls.consumer}/entity/thing?limit=250`, token);
        expect(r.status).toBe(200);
        const names = (r.json as { name: string }[]).map((x) => x.name);
        const shape = `${names.length}:${[...new Set(names)].join(',')}`;
        seen.add(shape);
        expect([`${N}:g1`, `${N}:g2`]).toContain(shape);
      }
    })();
    // half the keys are new, half replace old ones, the other old half goes
    const sid = await writer.openSession(batch.id, 'replace');
    for (let i = 0; i < N; i += 100) await writer.upsert(batch.id, sid, gen(2, N / 2).slice(i, i + 100));
    await new Promise((r) => setTimeout(r, 100));
    const closer = new ContributorClient({ baseUrl: p(1).urls.contributor, token: batch.token });
    await closer.closeSession(batch.id, sid, true);
    await new Promise((r) => setTimeout(r, 200));
    polling = false;
    await poll;
    expect(seen).toEqual(new Set([`${N}:g1`, `${N}:g2`]));
    await Promise.all([closer.close(), writer.close()]);
  });

  it('an entity detail admitted on what a process remembers sees every change made through another at once', async () => {
    // auth/remembered.ts: a detail is admitted on the token row the process last read and confirmed by its
    // record read; each change below is made through process 0 and must apply to the next call on process 1
    await contributor(0).contribute(cid, 'stream', [
      { id: 'remembered', name: 'remembered', entity: { n: 1, hidden: 'h' } },
    ]);
    const token = await consumerTokenFor('remember', { enabled: false });
    const listed = (await get(`${p(0).urls.consumer}/entity/thing?limit=250`, token)).json as {
      id: string;
      name: string;
    }[];
    const id = listed.find((r) => r.name === 'remembered')!.id;
    const detail = (i: number, t = token) => get(`${p(i).urls.consumer}/entity/thing/${id}`, t);
    const warm = async (t = token) => {
      for (const i of [0, 1, 0, 1]) expect((await detail(i, t)).status).toBe(200);
    };
    await warm();
    expect((await detail(1)).json).toMatchObject({ id, entity: { n: 1, hidden: 'h' } });

    await coord.accesses.setGuard(uid, 'remember', { suspended: true });
    expect((await detail(1)).status).toBe(403);
    await coordinatorOf(1).accesses.setGuard(uid, 'remember', { suspended: false });
    await warm();

    const masked = policyBody('remember', { enabled: false });
    await coord.policies.update('remember', {
      ...masked,
      policy: {
        ...masked.policy,
        data_segment: { ...masked.policy.data_segment, field_masks: ['thing.entity.hidden'] },
      },
    });
    const after = (await detail(1)).json as { entity: Record<string, unknown> };
    expect(after.entity).toEqual({ n: 1 });
    await warm();

    await coord.policies.update('remember', policyBody('remember', { enabled: false }, { type: 'nothing' }));
    expect((await detail(1)).status).toBe(404);
    await coord.policies.update('remember', policyBody('remember', { enabled: false }));
    await warm();

    const fresh = await coord.accesses.reissue(uid, 'remember');
    expect((await detail(1)).status).toBe(403);
    expect((await detail(0)).status).toBe(403);
    await warm(fresh);
    expect((await detail(1, `${fresh.slice(0, -2)}xx`)).status).toBe(401);

    // a policy that counts calls: never admitted on memory, so each call is counted once, on either process
    await coord.policies.update(
      'remember',
      policyBody('remember', { enabled: true, quota: { max_number: 6, interval_type: 'day' } }),
    );
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await detail(i, fresh)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);

    await coord.policies.delete('remember');
    expect((await detail(1, fresh)).status).toBe(403);

    // an expiry passes while the row is remembered
    const soon = await consumerTokenFor('remember-briefly', { enabled: false });
    await warm(soon);
    const expiring = await coord.accesses.reissue(uid, 'remember-briefly', {
      expires: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await detail(1, soon)).status).toBe(403);
    await warm(expiring);
    await new Promise((r) => setTimeout(r, 1700));
    const expired = await detail(1, expiring);
    expect(expired.status).toBe(401);
    expect(JSON.stringify(expired.json)).toMatch(/expired/);
  });

  it('a rescinded token, a deleted policy, a demoted connector, a suspension, a schema change: at once on the other process', async () => {
    const token = await consumerTokenFor('watch', { enabled: false });
    const other = p(1).urls.consumer;
    expect((await get(`${other}/entity/thing?limit=1`, token)).status).toBe(200);
    // suspension by a coordinator through process 0, lifted again
    await coord.accesses.setGuard(uid, 'watch', { suspended: true });
    expect((await get(`${other}/entity/thing?limit=1`, token)).status).toBe(403);
    await coordinatorOf(1).accesses.setGuard(uid, 'watch', { suspended: false });
    expect((await get(`${p(0).urls.consumer}/entity/thing?limit=1`, token)).status).toBe(200);
    // a reissue rescinds the old token
    const fresh = await coord.accesses.reissue(uid, 'watch');
    expect((await get(`${other}/entity/thing?limit=1`, token)).status).toBe(403);
    expect((await get(`${other}/entity/thing?limit=1`, fresh)).status).toBe(200);
    // a policy change (segment to another type) and then its deletion
    await coord.policies.update('watch', policyBody('watch', { enabled: false }, { type: 'nothing' }));
    expect((await get(`${other}/entity/thing?limit=1`, fresh)).json).toEqual([]);
    await coord.policies.delete('watch');
    expect((await get(`${other}/entity/thing?limit=1`, fresh)).status).toBe(403);
    // a demoted connector's records vanish for every process
    const all = await consumerTokenFor('all-things', { enabled: false });
    expect(((await get(`${other}/entity/thing?limit=250`, all)).json as unknown[]).length).toBeGreaterThan(0);
    await coord.connectors.demote('thing', 'things');
    await coord.connectors.demote('thing', 'replaced');
    expect((await get(`${other}/entity/thing?limit=250`, all)).json).toEqual([]);
    // a schema change through process 0 is what process 1 validates against on the next upsert
    const api = contributor(1);
    await api.contribute(cid, 'stream', [{ id: 's1', name: 's1', entity: { n: 'text' } }]);
    await coord.entityTypes.update('thing', {
      name: 'Thing',
      description: 'things',
      schema: { type: 'object', properties: { n: { type: 'number' } } },
    });
    await expect(
      api.contribute(cid, 'stream', [{ id: 's2', name: 's2', entity: { n: 'text' } }]),
    ).rejects.toMatchObject({ status: 400 });
    // a demoted connector's contributor token still works, a deleted connector's is refused at once
    await api.contribute(cid, 'stream', [{ id: 's3', name: 's3', entity: { n: 1 } }]);
    await coord.connectors.delete('thing', 'things');
    await expect(api.contribute(cid, 'stream', [{ id: 's4', name: 's4', entity: { n: 1 } }])).rejects.toMatchObject({
      status: 403,
    });
    await api.close();
  });

  it('rate and quota are counted once across processes under 50 concurrent clients, and survive a restart of every process', async () => {
    const quota = 300;
    const token = await consumerTokenFor('quota', {
      enabled: true,
      quota: { max_number: quota, interval_type: 'day' },
    });
    // 50 clients, spread over the processes, 10 calls each: 500 calls for a quota of 300
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async (_, c) => {
        const out: number[] = [];
        for (let i = 0; i < 10; i++) out.push((await get(`${p(c).urls.consumer}/entity`, token)).status);
        return out;
      }),
    ).then((s) => s.flat());
    const admitted = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(Math.abs(admitted - quota)).toBeLessThanOrEqual(quota * 0.01);
    expect(admitted).toBe(quota); // counted atomically in the database: exact

    // every process restarts: the count is where it was
    await Promise.all(procs.map((x) => x.stop()));
    await startAll(2);
    const after = await get(`${p(1).urls.consumer}/entity`, token);
    expect(after.status).toBe(429);
    expect(after.headers.get('ratelimit')).toBe(`"quota";r=0;t=${after.headers.get('retry-after')}`);
    const reader = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 1 });
    try {
      const access = (await reader.accesses.get(uid, 'quota'))!;
      expect(await reader.catalog.usage(`access:${access.id}`, today())).toBe(quota);
    } finally {
      await reader.close();
    }
  }, 90_000);

  it('the rate is one budget per clock second across processes', async () => {
    const rate = 40;
    const token = await consumerTokenFor('rate', { enabled: true, rate });
    const calls: { start: number; end: number; status: number }[] = [];
    const until = Date.now() + 2500;
    await Promise.all(
      Array.from({ length: 50 }, async (_, c) => {
        while (Date.now() < until) {
          const start = Date.now();
          const r = await get(`${p(c).urls.consumer}/entity`, token);
          calls.push({ start, end: Date.now(), status: r.status });
        }
      }),
    );
    const ok = calls.filter((x) => x.status === 200);
    expect(calls.filter((x) => x.status !== 200 && x.status !== 429)).toEqual([]);
    // calls that began and ended within one clock second were admitted in that second
    const perSecond = new Map<number, number>();
    for (const x of ok) {
      const s = Math.floor(x.start / 1000);
      if (s === Math.floor(x.end / 1000)) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    for (const n of perSecond.values()) expect(n).toBeLessThanOrEqual(rate);
    // overall: at most `rate` in each second touched, and the budget of every whole second used (1%)
    const first = Math.floor(calls[0]!.start / 1000);
    const touched =
      Math.floor(Math.max(...calls.map((x) => x.end)) / 1000) -
      Math.min(first, ...calls.map((x) => Math.floor(x.start / 1000))) +
      1;
    expect(ok.length).toBeLessThanOrEqual(rate * touched);
    expect(ok.length).toBeGreaterThanOrEqual(Math.floor(rate * (touched - 2) * 0.99));
    expect(calls.some((x) => x.status === 429)).toBe(true);
  }, 30_000);
});

/** The UTC day the quota counts in. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}
