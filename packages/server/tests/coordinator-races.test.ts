// Coordinator writes sent at once (docs/DECISIONS.md, Authentication, "Writes at once"): reissues and promotions of one subject take
// turns, so exactly one token stays live; a delete racing a create under what it deletes answers 404, never 500;
// a user deleted while promoted ends with no live token. Run on SQLite, and on PostgreSQL in its pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer({ mode: 'production' });
  admin = server.adminToken;
});

afterAll(async () => {
  await server?.destroy();
});

const coordinator = (path: string, init: Parameters<typeof call>[1] = {}) =>
  call(`${server.urls.coordinator}${path}`, { token: admin, ...init });
const statuses = (answers: { status: number }[]) => [...new Set(answers.map((a) => a.status))].sort();
const statusesOf = (answers: { status: number }[]) => answers.map((a) => a.status).sort((a, b) => a - b);

async function newUser(email: string): Promise<number> {
  const created = await coordinator('/user', { method: 'POST', body: { name: 'U', email, organization: 'O' } });
  expect(created.status).toBe(201);
  return Number(created.headers.get('location')!.split('/').pop());
}

async function newPolicy(slug: string): Promise<void> {
  const policy = {
    name: slug,
    description: slug,
    policy: {
      data_segment: { segment_query: { type: 'country' } },
      legal_context: [],
      access_control: { enabled: false },
    },
  };
  expect((await coordinator(`/policy/${slug}`, { method: 'POST', body: policy })).status).toBe(201);
}

/** Whether the consumer token opens the Consumer API (a live token), 200 there being any answer but 401/403. */
async function opens(token: string): Promise<boolean> {
  const r = await call(`${server.urls.consumer}/entity`, { token });
  return r.status !== 401 && r.status !== 403;
}

describe('coordinator writes at once', () => {
  it('eight reissues of one access: all answered, exactly one token works', async () => {
    const uid = await newUser('reissue@example.com');
    await newPolicy('reissued');
    expect((await coordinator(`/user/${uid}/access/reissued`, { method: 'POST' })).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => coordinator(`/user/${uid}/access/reissued`, { method: 'PUT' })),
    );
    expect(statuses(answers)).toEqual([200]);
    const live = await Promise.all(answers.map((a) => opens(a.text)));
    expect(live.filter(Boolean)).toHaveLength(1);
  });

  it('eight promotions of one user: one 200, seven 409, one coordinator token', async () => {
    const uid = await newUser('promote@example.com');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => coordinator(`/user/${uid}/coordinator`, { method: 'POST' })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
    for (const a of answers.filter((a) => a.status === 409))
      expect(a.json).toEqual({ error: { code: 409, status: 'Conflict', message: '' } });
  });

  it('a user deleted while promoted: 204 and 200 or 404, never 500, and no live token is left', async () => {
    for (let round = 0; round < 4; round++) {
      const uid = await newUser(`doomed${round}@example.com`);
      const [promoted, deleted] = await Promise.all([
        coordinator(`/user/${uid}/coordinator`, { method: 'POST' }),
        coordinator(`/user/${uid}`, { method: 'DELETE' }),
      ]);
      expect(deleted.status).toBe(204);
      expect([200, 404]).toContain(promoted.status);
      if (promoted.status === 200) {
        const r = await call(`${server.urls.coordinator}/user`, { token: promoted.text });
        expect([401, 403]).toContain(r.status);
      }
    }
  });

  it('deletes racing creates under what they delete: 404, never 500', async () => {
    const seen: number[] = [];
    for (let round = 0; round < 6; round++) {
      const type = `racing${round}`;
      const body = { name: type, description: type };
      expect((await coordinator(`/entity/${type}`, { method: 'POST', body })).status).toBe(201);
      const uid = await newUser(`racer${round}@example.com`);
      await newPolicy(`raced${round}`);
      const answers = await Promise.all([
        coordinator(`/entity/${type}`, { method: 'DELETE' }),
        coordinator(`/entity/${type}/connector/conn${round}`, { method: 'POST', body }),
        coordinator(`/user/${uid}`, { method: 'DELETE' }),
        coordinator(`/user/${uid}/access/raced${round}`, { method: 'POST' }),
        coordinator(`/policy/raced${round}`, { method: 'DELETE' }),
      ]);
      for (const a of answers) {
        seen.push(a.status);
        expect([201, 204, 404], JSON.stringify(answers.map((x) => x.status))).toContain(a.status);
        if (a.status === 404) expect(a.json).toEqual({ error: { code: 404, status: 'Not Found', message: '' } });
      }
      // whatever won, nothing of the deleted things is left
      expect((await coordinator(`/entity/${type}`)).status).toBe(404);
      expect((await coordinator(`/user/${uid}`)).status).toBe(404);
      expect((await coordinator(`/policy/raced${round}`)).status).toBe(404);
    }
    expect(seen).not.toContain(500);
  });

  it('identical deletes at once: one 204 and one audit entry, the others 404 (demotions 409)', async () => {
    const uid = await newUser('twice@example.com');
    await newPolicy('twice');
    const type = { name: 'Twice', description: 'twice' };
    expect((await coordinator('/entity/twice', { method: 'POST', body: type })).status).toBe(201);
    expect((await coordinator('/entity/twice/connector/twice-conn', { method: 'POST', body: type })).status).toBe(201);
    expect((await coordinator(`/user/${uid}/coordinator`, { method: 'POST' })).status).toBe(200);
    expect((await coordinator(`/user/${uid}/access/twice`, { method: 'POST' })).status).toBe(201);
    const four = (path: string) =>
      Promise.all(Array.from({ length: 4 }, () => coordinator(path, { method: 'DELETE' })));
    const outcomes = {
      demote: statusesOf(await four(`/user/${uid}/coordinator`)),
      access: statusesOf(await four(`/user/${uid}/access/twice`)),
      connector: statusesOf(await four('/entity/twice/connector/twice-conn')),
      user: statusesOf(await four(`/user/${uid}`)),
    };
    expect(outcomes).toEqual({
      demote: [204, 409, 409, 409],
      access: [204, 404, 404, 404],
      connector: [204, 404, 404, 404],
      user: [204, 404, 404, 404],
    });
    const audit = (await coordinator('/audit?limit=1000')).json as { action: string; target: string }[];
    const count = (action: string, target: string) =>
      audit.filter((e) => e.action === action && e.target === target).length;
    expect(count('token.rescind', `user:${uid}`)).toBe(1);
    expect(count('access.delete', `access:${uid}/twice`)).toBe(1);
    expect(count('connector.delete', 'connector:twice-conn')).toBe(1);
    expect(count('user.delete', `user:${uid}`)).toBe(1);
  });
});
