import {
  connectorSchema,
  entityTypeSchema,
  policySchema,
  recordDeleteSchema,
  recordUpsertSchema,
  userCreateSchema,
  userUpdateSchema,
} from '@bbk/sdk/protocol';
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

const enc = encodeURIComponent;

/** Malformed or unusual path ids: the server must answer 4xx for every one. */
const ODD_IDS = [
  'x',
  'UPPER-CASE',
  '1.1',
  '-1',
  '0',
  '99999999',
  '123456789',
  '%00',
  '%zz',
  '%',
  '%c0%af',
  '%ff',
  '%F0%9F%98%80',
  'a%2Fb',
  '..',
  '.',
  '%2e%2e',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'a'.repeat(33),
  'a'.repeat(300),
  'é',
  '%20',
  'a b',
  '$where',
  "'",
  '"',
  '\\',
  'a;b',
  '9223372036854775807',
];

function oddId(r: Rng): string {
  const id = r.pick(ODD_IDS);
  // ids that are not already percent-encoded get encoded so the request line stays valid
  return /%|^[\w.-]+$/.test(id) ? id : enc(id);
}

const slug = (r: Rng) => `fz-${r.chars(r.int(1, 10))}`;

/** Entity type ids: fixture (reads only), owned, the session connectors' type (reads and PUT), fresh or odd. */
function eid(r: Rng, w: World, write: boolean | 'put'): string {
  return r.weighted<() => string>([
    [write === true ? 0 : 3, () => (write === 'put' ? w.sessions[0]!.eid : w.fixture.entityType)],
    [4, () => r.pick(w.owned.entityTypes.length ? w.owned.entityTypes : ['fz-none'])],
    [2, () => slug(r)],
    [1, () => oddId(r)],
  ])();
}

function connectorPath(r: Rng, w: World, write: boolean): [string, string] {
  return r.weighted<() => [string, string]>([
    [write ? 0 : 3, () => [w.fixture.entityType, r.pick(['fx-live', 'fx-staged'])]],
    [write ? 0 : 1, () => [w.sessions[0]!.eid, w.sessions[0]!.slug]],
    [
      4,
      () => {
        const c = r.pick(w.owned.connectors.length ? w.owned.connectors : [{ eid: 'fz-thing', slug: 'fz-none' }]);
        return [c.eid, c.slug];
      },
    ],
    [2, () => [eid(r, w, write), slug(r)]],
    [1, () => [eid(r, w, write), oddId(r)]],
  ])();
}

function pid(r: Rng, w: World, write: boolean): string {
  return r.weighted<() => string>([
    [write ? 0 : 3, () => w.fixture.policy],
    [4, () => r.pick(w.owned.policies.length ? w.owned.policies : ['fz-none'])],
    [2, () => slug(r)],
    [1, () => oddId(r)],
  ])();
}

function uid(r: Rng, w: World, write: boolean): string {
  return r.weighted<() => string>([
    [write ? 0 : 3, () => String(r.pick([1, ...w.fixture.users]))],
    [4, () => String(r.pick(w.owned.users.length ? w.owned.users : [99_999]))],
    [1, () => String(r.int(1000, 99_999_999))],
    [1, () => oddId(r)],
  ])();
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
        return d('POST /entity/:eid/connector/:cid', `/entity/${e}/connector/${slug(r)}`, body(r, connectorSchema));
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
        d('GET /entity/:eid/connector/:cid/health', `/entity/${connectorPath(r, w, false).join('/connector/')}/health`),
    ],
    [1, () => d('GET /policy', '/policy')],
    [2, () => d('GET /policy/:pid', `/policy/${pid(r, w, false)}`)],
    [1, () => d('GET /policy/:pid/access-control', `/policy/${pid(r, w, false)}/access-control`)],
    [3, () => d('POST /policy/:pid', `/policy/${r.chance(0.7) ? slug(r) : pid(r, w, true)}`, policyBody(r, w))],
    [3, () => d('PUT /policy/:pid', `/policy/${pid(r, w, true)}`, policyBody(r, w))],
    [1, () => d('DELETE /policy/:pid', `/policy/${pid(r, w, true)}`)],
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
    [1, () => d('POST /user/:uid/access/:pid', `/user/${uid(r, w, true)}/access/${pid(r, w, false)}`)],
    [1, () => d('PUT /user/:uid/access/:pid', `/user/${uid(r, w, true)}/access/${pid(r, w, false)}`)],
    [1, () => d('DELETE /user/:uid/access/:pid', `/user/${uid(r, w, true)}/access/${pid(r, w, true)}`)],
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

/**
 * User-supplied JSON Schemas that cost a validator dearly: huge keyword arrays, catastrophic
 * regexes (patterns and pattern property names), recursive references, tiny `multipleOf`,
 * `uniqueItems`, every format. Records posted later are checked against them.
 */
export function schemaBomb(r: Rng): Record<string, unknown> {
  const n = r.pick([1000, 20_000]);
  return r.pick<() => Record<string, unknown>>([
    () => ({ type: Array(n).fill('string') }),
    () => ({
      type: 'object',
      properties: { s: { type: 'string', pattern: r.pick(['^(a+)+$', '^(a|aa)+$', '(a*)*b', '^(\\w+\\s?)*$']) } },
    }),
    () => ({ type: 'object', patternProperties: { '^(a+)+$': { type: 'number' } } }),
    () => ({
      type: 'object',
      properties: {
        s: {
          type: 'string',
          format: r.pick([
            'email',
            'uri',
            'date-time',
            'hostname',
            'regex',
            'uri-reference',
            'iri',
            'idn-email',
            'time',
            'duration',
            'uuid',
            'json-pointer',
            'relative-json-pointer',
            'uri-template',
            'ipv6',
          ]),
        },
      },
    }),
    () => ({ type: 'object', properties: { list: { type: 'array', uniqueItems: true } } }),
    () => ({ type: 'object', properties: { n: { multipleOf: r.pick([1e-308, 5e-324, 0.1, 1e308]) } } }),
    () => ({ $ref: '#' }),
    () => ({
      definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } },
      $ref: '#/definitions/a',
    }),
    () => ({ properties: { s: { minLength: 1e308, maxLength: -1 } } }),
    () => ({ allOf: Array.from({ length: n }, () => ({ type: 'object' })) }),
    () => ({ enum: Array.from({ length: n }, (_, i) => ({ i })) }),
    () => ({
      properties: { s: { const: { a: [1, { b: 2 }] } }, n: { not: { not: { not: {} } } } },
      dependencies: { s: ['n'] },
    }),
    () => ({ $id: 'http://127.0.0.1:9/x', $ref: 'http://127.0.0.1:9/other#' }),
    () => ({
      $schema: 'http://json-schema.org/draft-04/schema#',
      properties: { n: { exclusiveMinimum: true, minimum: 0 } },
    }),
    () => ({ properties: { s: { pattern: '[' } } }),
    () => ({ type: 'object', additionalProperties: false, required: Array.from({ length: n }, (_, i) => `k${i}`) }),
  ])();
}

/** An entity type body: valid, sometimes with an expensive schema. */
function entityTypeBody(r: Rng, skip: ReadonlySet<string>): unknown {
  const b = body(r, entityTypeSchema) as Record<string, unknown>;
  if (!skip.has('schema-bombs') && r.chance(0.35)) b.schema = schemaBomb(r);
  return b;
}

/** Record entities aimed at expensive schemas: backtracking strings and keys, long arrays of objects. */
function hostileEntity(r: Rng): Record<string, unknown> {
  const evil = `${'a'.repeat(r.int(24, 27))}!`;
  return r.pick<() => Record<string, unknown>>([
    () => ({ s: evil }),
    () => ({ [evil]: 1 }),
    () => ({ list: Array.from({ length: r.pick([200, 2000]) }, (_, i) => ({ i: i % 50, o: { x: [i] } })) }),
    () => ({ n: r.pick([1e308, 5e-324, -0, 2 ** 53 + 2]) }),
    () => ({ s: `${'a@'.repeat(2000)}x`, t: `http://${'a.'.repeat(3000)}` }),
  ])();
}

/** A valid policy body, its segment drawn from the consumer query generator. */
function policyBody(r: Rng, w: World): unknown {
  const p = body(r, policySchema) as { policy: { data_segment: { segment_query: unknown } } };
  p.policy.data_segment.segment_query = consumerQuery(r, w);
  return p;
}

/** Consumer queries (§4.3): valid ones over the example fields, operators, geo, and odd forms. */
export function consumerQuery(r: Rng, w: World): unknown {
  const field = r.pick([
    'name',
    'type',
    'id',
    'entity.code',
    'entity.continent',
    'entity.population',
    'entity.area',
    'entity.capital',
    'entity.languages',
    'entity.currency.code',
    'entity.location',
    'instance.independence',
    'entity.secret',
    'entity.private.pin',
    'timeseries.population.value',
    'entity.landlocked',
    'entity.languages.0',
  ]);
  const scalar = () =>
    r.pick<unknown>(['Europe', 'FR', 'Andorra', 74794, 0, -0, 1e308, true, null, 'MASKED-', '"', '?', '??', "'"]);
  const geo = () => ({ type: 'Point', coordinates: [r.int(-180, 180), r.int(-90, 90)] });
  const poly = () => ({
    type: 'Polygon',
    coordinates: [
      [
        [-10, 35],
        [30, 35],
        [30, 70],
        [-10, 70],
        [-10, 35],
      ],
    ],
  });
  return r.weighted<() => unknown>([
    [3, () => ({ [field]: scalar() })],
    [3, () => ({ [field]: { [r.pick(['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$contains'])]: scalar() } })],
    [2, () => ({ [field]: { [r.pick(['$in', '$nin'])]: [scalar(), scalar()] } })],
    [
      2,
      () => ({
        [field]: { $regex: r.pick(['^A', '.*', '(a+)+$', '[', 'é', '\\d{3}', '']), $options: r.pick(['i', 'x', '']) },
      }),
    ],
    [
      2,
      () => ({
        'entity.location': { $near: { $geometry: geo(), $max: r.pick([1000, 5_000_000, 0, -1, 1.5, 1e308]) } },
      }),
    ],
    [1, () => ({ 'entity.location': { $within: { $geometry: poly() } } })],
    [
      1,
      () => ({
        'entity.location': {
          $within: { $geometry: r.pick<unknown>([{}, geo(), 'x', { type: 'Polygon', coordinates: [] }]) },
        },
      }),
    ],
    [2, () => ({ [r.pick(['$and', '$or', '$nor'])]: [{ [field]: scalar() }, { type: w.fixture.entityType }] })],
    [1, () => ({ $not: { [field]: scalar() } })],
    [1, () => ({ [field]: { $not: { $eq: scalar() } } })],
    [
      1,
      () => r.pick<unknown>([{}, [], null, 5, 'x', { $and: [] }, { $exists: true }, { name: '$foo' }, { $where: '1' }]),
    ],
    [1, () => ({ type: w.fixture.entityType })],
    [
      1,
      () => {
        let q: unknown = { name: 'x' };
        for (let i = r.int(10, 400); i > 0; i--) q = { $and: [q] };
        return q;
      },
    ],
  ])();
}

/** The masked-path probes: with the fixture policy, any of these answering a record reveals a masked value. */
export function maskProbe(r: Rng): Record<string, unknown> {
  const path = r.pick(['entity.secret', 'entity.private', 'entity.private.pin']);
  return r.pick<Record<string, unknown>>([
    { [path]: { $regex: r.pick(['MASKED', '^M', '.', '']) } },
    { [path]: { $gt: '' } },
    { [path]: { $gte: '' } },
    { [path]: { $lt: '\uffff' } },
    { $nor: [{ [path]: null }] },
    { $not: { [path]: null } },
  ]);
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
