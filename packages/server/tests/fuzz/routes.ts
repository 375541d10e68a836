import {
  connectorSchema,
  entityTypeSchema,
  policySchema,
  recordDeleteSchema,
  recordUpsertSchema,
  userCreateSchema,
  userUpdateSchema,
} from '@bbk/sdk/protocol';
import { hostileEntity, schemaBomb } from './expensive.js';
import { connectorPath, eid, enc, oddId, pid, slug, uid } from './ids.js';
import { consumerQuery, maskProbe } from './queries.js';
import type { Rng } from './rng.js';
import { fromSchema, type Schema, uuid } from './schema-gen.js';
import type { Surface, World } from './world.js';

/** A well-formed request before mutation: the route it exercises and a valid body where one applies. */
export interface Draft {
  surface: Surface;
  /** Route template as declared, e.g. `POST /entity/:eid` (groups findings). */
  route: string;
  method: string;
  /** Path below the base, e.g. `/entity/fz-thing`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Extra headers (consumer: `x-bbk-connectors`, `x-bbk-audience` chosen by the case builder). */
  headers?: Array<[string, string]>;
  /** A masked-path probe (consumer `q`): under the fixture policy it must find nothing. */
  maskProbe?: boolean;
}

const body = (r: Rng, s: unknown) => fromSchema(r, s as Schema);

/** The Coordinator API (spec §2.1, plus the §9 health route and the announce/test routes). */
function coordinator(r: Rng, w: World, skip: ReadonlySet<string>): Draft {
  const d = (route: string, path: string, b?: unknown, query?: Record<string, string>): Draft => ({
    surface: 'coordinator',
    route,
    method: route.split(' ')[0]!,
    path,
    ...(b === undefined ? {} : { body: b }),
    ...(query ? { query } : {}),
  });
  return r.weighted<() => Draft>([
    [2, () => d('GET /', '')],
    [1, () => d('GET /error/test', '/error/test')],
    [2, () => d('GET /entity', '/entity')],
    [2, () => d('GET /entity/:eid', `/entity/${eid(r, w, false)}`)],
    [3, () => d('POST /entity/:eid', `/entity/${r.chance(0.7) ? slug(r) : eid(r, w, true)}`, entityTypeBody(r, skip))],
    [4, () => d('PUT /entity/:eid', `/entity/${eid(r, w, 'put')}`, entityTypeBody(r, skip))],
    [1, () => d('DELETE /entity/:eid', `/entity/${eid(r, w, true)}`)],
    [1, () => d('GET /entity/:eid/connector', `/entity/${eid(r, w, false)}/connector`)],
    [1, () => d('GET /entity/:eid/connector/:cid', `/entity/${connectorPath(r, w, false).join('/connector/')}`)],
    [
      2,
      () => {
        const [e] = connectorPath(r, w, true);
        const b = body(r, connectorSchema) as Record<string, unknown>;
        return d('POST /entity/:eid/connector/:cid', `/entity/${e}/connector/${slug(r)}`, {
          ...b,
          ...(lifetime(r) as object | undefined),
        });
      },
    ],
    [
      2,
      () =>
        d(
          'PUT /entity/:eid/connector/:cid',
          `/entity/${connectorPath(r, w, true).join('/connector/')}`,
          body(r, connectorSchema),
        ),
    ],
    [1, () => d('DELETE /entity/:eid/connector/:cid', `/entity/${connectorPath(r, w, true).join('/connector/')}`)],
    [
      1,
      () => d('POST /entity/:eid/connector/:cid/live', `/entity/${connectorPath(r, w, true).join('/connector/')}/live`),
    ],
    [
      1,
      () =>
        d('DELETE /entity/:eid/connector/:cid/live', `/entity/${connectorPath(r, w, true).join('/connector/')}/live`),
    ],
    [
      1,
      () =>
        d(
          'PUT /entity/:eid/connector/:cid/token',
          `/entity/${connectorPath(r, w, true).join('/connector/')}/token`,
          lifetime(r),
        ),
    ],
    [
      1,
      () =>
        d('GET /entity/:eid/connector/:cid/health', `/entity/${connectorPath(r, w, false).join('/connector/')}/health`),
    ],
    [1, () => d('GET /policy', '/policy')],
    [2, () => d('GET /policy/:pid', `/policy/${pid(r, w, false)}`)],
    [1, () => d('GET /policy/:pid/access-control', `/policy/${pid(r, w, false)}/access-control`)],
    [3, () => d('POST /policy/:pid', `/policy/${r.chance(0.7) ? slug(r) : pid(r, w, true)}`, policyBody(r, w))],
    [3, () => d('PUT /policy/:pid', `/policy/${pid(r, w, true)}`, policyBody(r, w))],
    [1, () => d('DELETE /policy/:pid', `/policy/${pid(r, w, true)}`)],
    [
      2,
      () =>
        d(
          'POST /policy/:pid/preview',
          `/policy/${r.chance(0.5) ? slug(r) : pid(r, w, false)}/preview`,
          policyBody(r, w),
        ),
    ],
    [1, () => d('GET /user', '/user')],
    [1, () => d('GET /user/:uid', `/user/${uid(r, w, false)}`)],
    [
      1,
      () => {
        const email = r.chance(0.5) ? 'ANA@fuzz.example.org' : oddId(r);
        return d('GET /user/email/:email', `/user/email/${email.includes('@') ? enc(email) : email}`);
      },
    ],
    [3, () => d('POST /user', '/user', body(r, userCreateSchema))],
    [2, () => d('PUT /user/:uid', `/user/${uid(r, w, true)}`, body(r, userUpdateSchema))],
    [1, () => d('DELETE /user/:uid', `/user/${uid(r, w, true)}`)],
    [1, () => d('POST /user/:uid/coordinator', `/user/${uid(r, w, true)}/coordinator`)],
    [1, () => d('DELETE /user/:uid/coordinator', `/user/${uid(r, w, true)}/coordinator`)],
    [1, () => d('GET /user/:uid/access', `/user/${uid(r, w, false)}/access`)],
    [1, () => d('GET /user/:uid/access/:pid', `/user/${uid(r, w, false)}/access/${pid(r, w, false)}`)],
    [1, () => d('POST /user/:uid/access/:pid', `/user/${uid(r, w, true)}/access/${pid(r, w, false)}`, lifetime(r))],
    [1, () => d('PUT /user/:uid/access/:pid', `/user/${uid(r, w, true)}/access/${pid(r, w, false)}`, lifetime(r))],
    [1, () => d('DELETE /user/:uid/access/:pid', `/user/${uid(r, w, true)}/access/${pid(r, w, true)}`)],
    [
      1,
      () =>
        d('GET /user/:uid/access/:pid/usage', `/user/${uid(r, w, false)}/access/${pid(r, w, false)}/usage`, undefined, {
          ...(r.chance(0.5) ? { since: r.pick(['2024-01-01', '2024-02-30', 'x', '']) } : {}),
          ...(r.chance(0.5) ? { until: r.pick(['2030-12-31', '99999-01-01', '\u0000']) } : {}),
        }),
    ],
    [1, () => d('GET /user/:uid/access/:pid/guard', `/user/${uid(r, w, false)}/access/${pid(r, w, false)}/guard`)],
    [
      1,
      () =>
        d('PUT /user/:uid/access/:pid/guard', `/user/${uid(r, w, true)}/access/${pid(r, w, false)}/guard`, {
          ...(r.chance(0.7) ? { auto_suspend: r.chance(0.5) } : {}),
          ...(r.chance(0.5) ? { suspended: r.chance(0.8) ? false : r.pick([true, 'no', 1]) } : {}),
        }),
    ],
    [
      1,
      () =>
        d('GET /violations', '/violations', undefined, {
          ...(r.chance(0.5) ? { user: r.pick(['2', 'x', '123456789']) } : {}),
          ...(r.chance(0.3) ? { policy: r.pick(['fz-open', 'nope']) } : {}),
          ...(r.chance(0.3) ? { detector: r.pick(['enumeration', 'geo-tiling', 'bogus']) } : {}),
        }),
    ],
    [1, () => d('DELETE /violations/:id', `/violations/${r.pick(['1', '0', 'x', '99999999999999999999'])}`)],
    [
      2,
      () => {
        const which = r.pick(['user/organization', 'entity/tags', 'policy/tags']);
        const q = r.pick(['f', 'Fuzz', 'bit', '', 'a'.repeat(17), '(', '.*', '%', '_', '\u0000', 'é']);
        return d(`GET /search/${which}`, `/search/${which}`, undefined, r.chance(0.9) ? { q } : {});
      },
    ],
  ])();
}

/** The optional body of a call that issues a token (bbk token lifetimes): none, or a valid `expires`. */
function lifetime(r: Rng): unknown {
  if (r.chance(0.5)) return undefined;
  const future = new Date(Date.now() + r.int(1, 10 ** 9) * 1000).toISOString();
  return { expires: r.pick<string | null>(['90d', '1s', '12h', '2w', `${r.int(1, 10 ** 6)}m`, future, null]) };
}

/** An entity type body: valid, sometimes with an expensive schema. */
function entityTypeBody(r: Rng, skip: ReadonlySet<string>): unknown {
  const b = body(r, entityTypeSchema) as Record<string, unknown>;
  if (!skip.has('schema-bombs') && r.chance(0.35)) b.schema = schemaBomb(r);
  return b;
}

/** A valid policy body, its segment drawn from the consumer query generator. */
function policyBody(r: Rng, w: World): unknown {
  const p = body(r, policySchema) as { policy: { data_segment: { segment_query: unknown } } };
  p.policy.data_segment.segment_query = consumerQuery(r, w);
  return p;
}

/** The Consumer API (spec §4). */
function consumer(r: Rng, w: World): Draft {
  const paging = (): Record<string, string> => {
    const q: Record<string, string> = {};
    const num = () =>
      r.pick([
        '1',
        '2',
        '250',
        '251',
        '0',
        '-1',
        '1.5',
        'abc',
        '10abc',
        '1e308',
        '1e19',
        '9223372036854775807',
        '-0',
        'NaN',
        'Infinity',
        '',
        '0x10',
      ]);
    if (r.chance(0.4)) q.limit = num();
    if (r.chance(0.4)) q.offset = num();
    return q;
  };
  const type = () =>
    r.weighted<() => string>([
      [6, () => w.fixture.entityType],
      [1, () => 'fz-thing'],
      [1, () => oddId(r)],
    ])();
  const id = () =>
    r.weighted<() => string>([
      [4, () => r.pick(w.fixture.inPolicy)],
      [3, () => r.pick([...w.fixture.outOfPolicy])],
      [2, () => r.pick([...w.fixture.staged_ids])],
      [1, () => oddId(r)],
    ])();
  const d = (route: string, path: string, query?: Record<string, string>): Draft => ({
    surface: 'consumer',
    route,
    method: 'GET',
    path,
    ...(query ? { query } : {}),
  });
  return r.weighted<() => Draft>([
    [1, () => d('GET /', '')],
    [
      6,
      () => {
        if (r.chance(0.2))
          return { ...d('GET /catalog', '/catalog', { q: JSON.stringify(maskProbe(r)) }), maskProbe: true };
        const q = consumerQuery(r, w);
        const text = r.chance(0.9)
          ? JSON.stringify(q)
          : r.pick(['{', '{"a":', 'not json', '', '%zz', '{"$and":[{"a":1}]']);
        return d('GET /catalog', '/catalog', { q: text, ...paging() });
      },
    ],
    [2, () => d('GET /entity', '/entity', paging())],
    [3, () => d('GET /entity/:type', `/entity/${type()}`, paging())],
    [4, () => d('GET /entity/:type/:id', `/entity/${type()}/${id()}`)],
    [
      2,
      () => {
        const q: Record<string, string> = {};
        const date = () =>
          r.pick([
            '2020',
            '2020-01-01',
            '2020-01-01T00:00:00Z',
            '1970-13-01',
            'foo',
            '',
            '+275760-09-13',
            '9999-12-31T23:59:59.999Z',
            '0000',
          ]);
        if (r.chance(0.5)) q.start = date();
        if (r.chance(0.3)) q.end = date();
        if (r.chance(0.3))
          q.duration = r.pick(['1', '86400', '0', '-1', '1e16', '1e308', '9223372036854775807', '1.5', 'x']);
        if (r.chance(0.3)) q.limit = r.pick(['1', '500', '501', '0', '1e308', 'x']);
        const tsid = r.pick(['population', 'POPULATION', 'none', '%zz', 'has%20spaces']);
        return d('GET /entity/:type/:id/timeseries/:tsid', `/entity/${type()}/${id()}/timeseries/${tsid}`, q);
      },
    ],
  ])();
}

/** The Contributor API (spec §3): sessions on the fuzzer's own connectors, with their live session ids. */
function contributor(r: Rng, w: World, skip: ReadonlySet<string>): Draft {
  const c = r.pick(w.sessions);
  const cid = r.weighted<() => string>([
    [8, () => c.cid],
    [w.mode === 'production' ? 1 : 0, () => w.fixture.live.cid],
    [1, () => r.chars(40, '0123456789abcdef')],
    [1, () => c.cid.toUpperCase()],
    [1, () => oddId(r)],
  ])();
  const sid = () =>
    r.weighted<() => string>([
      [8, () => c.sid ?? uuid(r)],
      [1, () => uuid(r)],
      [1, () => oddId(r)],
    ])();
  const d = (route: string, method: string, path: string, b?: unknown): Draft => ({
    surface: 'contributor',
    route,
    method,
    path,
    ...(b === undefined ? {} : { body: b }),
  });
  return r.weighted<() => Draft>([
    [1, () => d('GET /', 'GET', '')],
    [
      2,
      () => {
        const mode = r.weighted<() => string>([
          [4, () => r.pick(['stream', 'accrue', 'replace'])],
          [1, () => r.pick(['STREAM', 'x', '%zz', ''])],
        ])();
        return d('GET /connector/:cid/session/open/:mode', 'GET', `/connector/${cid}/session/open/${mode}`);
      },
    ],
    [
      6,
      () => {
        const records = body(r, recordUpsertSchema) as Array<{ entity: Record<string, unknown> }>;
        for (const rec of records) {
          if (r.chance(0.5)) rec.entity = { n: r.int(0, 100), s: `v${r.int(0, 9)}`, code: 'FR', continent: 'Europe' };
        }
        // one hostile entity per request at most: a catastrophic regex costs seconds per value
        if (records[0] && !skip.has('hostile-records') && r.chance(0.3)) records[0].entity = hostileEntity(r);
        return d(
          'POST /connector/:cid/session/:sid/upsert',
          'POST',
          `/connector/${cid}/session/${sid()}/upsert`,
          records,
        );
      },
    ],
    [
      2,
      () =>
        d(
          'POST /connector/:cid/session/:sid/delete',
          'POST',
          `/connector/${cid}/session/${sid()}/delete`,
          body(r, recordDeleteSchema),
        ),
    ],
    [
      1,
      () =>
        d(
          'POST /connector/:cid/session/:sid/:action',
          'POST',
          `/connector/${cid}/session/${sid()}/${r.pick(['UPSERT', 'x', '%zz', 'close'])}`,
          [],
        ),
    ],
    [
      2,
      () => {
        const commit = r.pick(['true', 'false', 'TRUE', 'yes', '%zz']);
        return d(
          'GET /connector/:cid/session/:sid/close/:commit',
          'GET',
          `/connector/${cid}/session/${sid()}/close/${commit}`,
        );
      },
    ],
  ])();
}

/**
 * A well-formed request for any route of the three APIs. `skip`: generator families to leave out
 * once their findings are known (`schema-bombs`, `hostile-records`), so a long run gets past them.
 */
export function draft(r: Rng, w: World, skip: ReadonlySet<string> = new Set()): Draft {
  return r.weighted<() => Draft>([
    [5, () => coordinator(r, w, skip)],
    [3, () => contributor(r, w, skip)],
    [4, () => consumer(r, w)],
  ])();
}
