// The part of the OpenAPI journey (tests/openapi.test.ts) that only production mode answers: token
// lifetimes (401 "token expired"), RateLimit headers, usage figures, violation flags and their
// dismissal, suspended accesses (403 with x-bbk-suspended), and an audit trail with real actors.
import { expect } from 'vitest';
import { call, type TestServer } from '../harness.js';
import { connector, entityType, policy, walk } from './journey.js';

/** What the production journey needs of its server: started with `now: clock.now` and these options. */
export const PRODUCTION_OPTIONS = {
  mode: 'production',
  // two 429s within a minute raise a rate-limit flag
  detectors: { 'rate-limit': { count: 2, windowSeconds: 60 } },
} as const;

/** A settable clock for the production server. */
export interface JourneyClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock standing still until advanced. */
export function journeyClock(start = Date.UTC(2024, 4, 1, 8, 0, 0)): JourneyClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

async function text(url: string, init: Parameters<typeof call>[1]): Promise<string> {
  const res = await call(url, init);
  expect(res.status, res.text).toBeLessThan(300);
  return res.text;
}

/** Walks the production-only answers of a production server started with {@link PRODUCTION_OPTIONS}. */
export async function productionJourney(server: TestServer, clock: JourneyClock): Promise<void> {
  const base = server.urls.coordinator;
  const admin = { token: server.adminToken };
  await walk(base, [
    ['POST', '/entity/thing', 201, { ...admin, body: entityType }],
    ['POST', '/entity/thing/connector/things', 201, { ...admin, body: { ...connector(null), expires: '1h' } }],
    ['POST', '/policy/rated', 201, { ...admin, body: policy({ enabled: true, rate: 1 }) }],
    ['POST', '/user', 201, { ...admin, body: { name: 'Carol', email: 'carol@example.com', organization: 'Acme' } }],
  ]);
  const consumer = await text(`${base}/user/2/access/rated`, { ...admin, method: 'POST', body: { expires: '1h' } });
  const as = { token: consumer };
  // one call a second: the second and third are refused, and the detector flags the access
  await walk(server.urls.consumer, [
    ['GET', '/entity', 200, as],
    ['GET', '/entity', 429, as],
    ['GET', '/entity', 429, as],
  ]);
  const flags = await call(`${base}/violations`, admin);
  const [flag] = flags.json as { id: number }[];
  expect(flag).toBeDefined();
  await walk(base, [
    ['GET', '/violations?user=2&policy=rated', 200, admin],
    ['DELETE', `/violations/${flag?.id}`, 204, admin],
    ['DELETE', `/violations/${flag?.id}`, 404, admin],
    ['GET', '/user/2/access/rated/usage', 200, admin],
    ['PUT', '/user/2/access/rated/guard', 204, { ...admin, body: { suspended: true } }],
    ['GET', '/user/2/access/rated/guard', 200, admin],
  ]);
  clock.advance(2000);
  const suspended = await call(`${server.urls.consumer}/entity`, as);
  expect([suspended.status, suspended.headers.get('x-bbk-suspended')]).toEqual([403, 'coordinator']);
  await walk(base, [
    ['PUT', '/user/2/access/rated/guard', 204, { ...admin, body: { suspended: false } }],
    ['GET', '/user/2/access', 200, admin],
    ['GET', '/entity/thing/connector', 200, admin],
    ['GET', '/entity/thing/connector/things', 200, admin],
    ['GET', '/audit?actor=coordinator&since=2024-01-01', 200, admin],
    ['GET', '/audit/verify', 200, admin],
  ]);
  // past its lifetime, the consumer token is refused
  clock.advance(3_600_000);
  const expired = await call(`${server.urls.consumer}/entity`, as);
  expect(expired.json).toEqual({ error: { code: 401, status: 'Unauthorized', message: 'token expired' } });
  await walk(base, [['PUT', '/entity/thing/connector/things/token', 200, { ...admin, body: { expires: '1d' } }]]);
}
