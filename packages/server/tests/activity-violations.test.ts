import { ConsumerClient, type Violation } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId, type TestConnector } from './consumer-setup.js';
import { call } from './harness.js';

let clock = Date.UTC(2024, 4, 1, 8, 0, 0, 0);
const now = () => clock;
const tick = (ms = 1000) => {
  clock += ms;
};
const q = (query: unknown) => `/catalog?q=${encodeURIComponent(JSON.stringify(query))}`;
const square = (x: number, y: number, size: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

describe('violation detectors over HTTP (production mode)', () => {
  let env: ConsumerEnv;
  let c: TestConnector;
  const tokens: Record<string, string> = {};
  const get = (who: string, path: string) => call(`${env.base}${path}`, { token: tokens[who] });
  const flags = async (query = ''): Promise<Violation[]> => {
    const r = await call(`${env.server.urls.coordinator}/violations${query}`, { token: env.server.adminToken });
    expect(r.status).toBe(200);
    return r.json as Violation[];
  };
  const flagsOf = async (who: string) => (await flags()).filter((f) => f.user.id === users[who]);
  const users: Record<string, number> = {};

  beforeAll(async () => {
    env = await consumerEnv({
      mode: 'production',
      now,
      detectors: {
        'rate-limit': { count: 5, windowSeconds: 60 },
        enumeration: { count: 10, windowSeconds: 300 },
        'masked-paths': { count: 3, windowSeconds: 600 },
        'geo-tiling': { count: 9, windowSeconds: 600 },
      },
    });
    await env.entityType('thing');
    c = await env.connector('thing', 'things');
    const records = Array.from({ length: 20 }, (_, i) => ({
      id: `r${i}`,
      name: `R${i}`,
      entity: { size: i, secret: `s${i}`, where: { type: 'Point', coordinates: [i % 5, Math.floor(i / 5)] } },
    }));
    await env.upsert(c, records);
    await env.policy('rated', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 1 } });
    await env.policy('masked', { segment: { type: 'thing' }, masks: ['thing.entity.secret'] });
    for (const who of ['hammer', 'pacer', 'guesser', 'reader', 'prober', 'querier', 'tiler', 'panner']) {
      const { id } = await env.coord.users.create({ name: who, email: `${who}@acme.io`, organization: 'Acme' });
      users[who] = id;
      const policy = who === 'hammer' || who === 'pacer' ? 'rated' : 'masked';
      tokens[who] = await env.coord.accesses.grant(id, policy);
    }
  });
  afterAll(() => env.close());

  it('rate-limit: sustained 429s raise it; a client that paces itself does not', async () => {
    for (let i = 0; i < 10; i++) {
      await get('pacer', '/entity'); // one call a second: never refused
      tick(1000);
    }
    for (let i = 0; i < 8; i++) await get('hammer', '/entity'); // 7 refused in the same second
    expect(await flagsOf('pacer')).toEqual([]);
    const [flag, ...rest] = await flagsOf('hammer');
    expect(rest).toEqual([]);
    expect(flag).toMatchObject({
      detector: 'rate-limit',
      severity: 'high',
      count: 1,
      access: { id: 'rated' },
      evidence: { window_seconds: 60, threshold: 5, calls: 6, rate_limited: 5, quota_limited: 0 },
    });
    // raised again: the same open flag counts it
    tick(1000);
    for (let i = 0; i < 8; i++) await get('hammer', '/entity');
    const again = await flagsOf('hammer');
    expect(again).toHaveLength(1);
    expect(again[0]?.count).toBe(2);
    expect(again[0]?.id).toBe(flag?.id);
  });

  it('enumeration: many ids that do not exist raise it; reading real records with a few misses does not', async () => {
    for (let i = 0; i < 20; i++) await get('reader', `/entity/thing/${publicId(c.cid, `r${i}`)}`);
    await get('reader', `/entity/thing/${'a'.repeat(40)}`);
    await get('reader', `/entity/thing/${'b'.repeat(40)}`);
    for (let i = 0; i < 12; i++) await get('guesser', `/entity/thing/${i.toString(16).padStart(40, '0')}`);
    expect(await flagsOf('reader')).toEqual([]);
    const [flag] = await flagsOf('guesser');
    expect(flag).toMatchObject({
      detector: 'enumeration',
      severity: 'high',
      evidence: { distinct_missing_ids: 10, found: 0, missing: 10, miss_share: 1 },
    });
    expect((flag?.evidence.examples as string[] | undefined)?.length).toBe(5);
  });

  it('masked-paths: queries that keep naming a masked attribute raise it; the answers stay as the spec says', async () => {
    for (const query of [{ 'entity.secret': 's1' }, { 'entity.secret': { $regex: '^s' } }, { 'entity.secret': 's2' }]) {
      const r = await get('prober', q(query));
      expect(r.status).toBe(200);
      expect(r.json).toEqual([]); // a masked path behaves as if absent
    }
    for (let i = 0; i < 5; i++) expect((await get('querier', q({ 'entity.size': { $gte: i } }))).status).toBe(200);
    expect(await flagsOf('querier')).toEqual([]);
    const [flag] = await flagsOf('prober');
    expect(flag).toMatchObject({
      detector: 'masked-paths',
      severity: 'low',
      evidence: { queries: 3, distinct_paths: 1, paths: { 'entity.secret': 3 } },
    });
  });

  it('geo-tiling: a grid of adjacent windows raises it; panning a map or scattered windows do not', async () => {
    for (let i = 0; i < 12; i++) {
      // a map panned by a third of its width: windows overlap a lot
      await get('panner', q({ 'entity.where': { $within: { $geometry: square(i * 0.3, 0, 1) } } }));
      // scattered windows, far apart
      await get('panner', q({ 'entity.where': { $within: { $geometry: square(-170 + i * 10, 40, 1) } } }));
    }
    expect(await flagsOf('panner')).toEqual([]);
    for (let x = 0; x < 3; x++)
      for (let y = 0; y < 3; y++)
        await get('tiler', q({ 'entity.where': { $within: { $geometry: square(x, y, 1) } } }));
    const [flag] = await flagsOf('tiler');
    expect(flag).toMatchObject({
      detector: 'geo-tiling',
      severity: 'medium',
      evidence: { distinct_windows: 9, connected_windows: 9, covered_bbox: [0, 0, 3, 3] },
    });
  });

  it('lists flags by user, policy and detector; dismisses them; 400 / 404 in the standard body', async () => {
    expect((await flags('?detector=geo-tiling')).map((f) => f.user.id)).toEqual([users.tiler]);
    expect((await flags(`?user=${users.hammer}`)).map((f) => f.detector)).toEqual(['rate-limit']);
    expect((await flags('?policy=masked')).map((f) => f.detector).sort()).toEqual([
      'enumeration',
      'geo-tiling',
      'masked-paths',
    ]);
    const bad = await call(`${env.server.urls.coordinator}/violations?detector=nope&user=x`, {
      token: env.server.adminToken,
    });
    expect(bad.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [
          { name: 'user', index: null, reason: 'is not of a type(s) integer' },
          {
            name: 'detector',
            index: null,
            reason: 'is not one of enum values: rate-limit,enumeration,masked-paths,geo-tiling',
          },
        ],
      },
    });
    const [tiling] = await flags('?detector=geo-tiling');
    await env.coord.violations.dismiss(tiling!.id);
    expect(await flags('?detector=geo-tiling')).toEqual([]);
    const gone = await call(`${env.server.urls.coordinator}/violations/${tiling!.id}`, {
      method: 'DELETE',
      token: env.server.adminToken,
    });
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: { code: 404, status: 'Not Found', message: '' } });
    expect((await call(`${env.base}/entity`, { token: tokens.tiler })).status).toBe(200); // no suspension without the guard
  });

  it('auto-suspend: a flagged access is refused with 403 until a coordinator lifts it', async () => {
    const { id } = await env.coord.users.create({ name: 'auto', email: 'auto@acme.io', organization: 'Acme' });
    const token = await env.coord.accesses.grant(id, 'masked');
    await env.coord.accesses.setGuard(id, 'masked', { auto_suspend: true });
    expect(await env.coord.accesses.guard(id, 'masked')).toEqual({ auto_suspend: true, suspended: null, reason: null });
    const consumer = new ConsumerClient({ baseUrl: env.base, token });
    try {
      for (let i = 0; i < 10; i++) await consumer.entity('thing', `${i}`.padStart(40, 'f')).catch(() => undefined);
      const refused = await call(`${env.base}/entity`, { token });
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual({ error: { code: 403, status: 'Forbidden', message: '' } });
      expect(refused.headers.get('x-bbk-suspended')).toBe('enumeration');
      expect(await env.coord.accesses.guard(id, 'masked')).toMatchObject({
        suspended: expect.any(String),
        reason: 'enumeration',
      });
      const badBody = await call(`${env.server.urls.coordinator}/user/${id}/access/masked/guard`, {
        method: 'PUT',
        body: { suspended: 'no', extra: 1 },
        token: env.server.adminToken,
      });
      expect(badBody.status).toBe(400);
      await env.coord.accesses.setGuard(id, 'masked', { suspended: false });
      expect((await call(`${env.base}/entity`, { token })).status).toBe(200);
    } finally {
      await consumer.close();
    }
  });
});
