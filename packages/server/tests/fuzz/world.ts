import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The three listeners' base URLs, e.g. `http://127.0.0.1:40123/v1`. */
export interface Urls {
  coordinator: string;
  contributor: string;
  consumer: string;
}

export type Surface = keyof Urls;

/** A connector as the fuzzer knows it. */
export interface KnownConnector {
  eid: string;
  slug: string;
  cid: string;
  token: string;
}

/**
 * The state the fuzzer builds through the real APIs before it starts, and what it knows about it:
 * tokens of every kind (valid and rescinded), which records are in or out of the fixture policy,
 * which values are masked. Fixture resources are never the target of a generated write, so the
 * policy invariants keep their meaning however long the run.
 */
export interface World {
  mode: 'production' | 'development';
  urls: Urls;
  /** Valid tokens by kind (production; empty in development). */
  tokens: { coordinator: string[]; contributor: string[]; consumer: string[] };
  /** Tokens that were valid once and have been rescinded (403 expected). */
  rescinded: string[];
  /** Every secret the server issued (token secrets, webhook secrets): none may be echoed. */
  secrets: Set<string>;
  fixture: {
    /** The fixture consumer policy: segment `entity.continent = Europe`, masks `secret` and `private`. */
    policy: string;
    entityType: string;
    live: KnownConnector;
    staged: KnownConnector;
    /** Public ids of records of the fixture type that the fixture policy must never show. */
    outOfPolicy: Set<string>;
    /** Public ids of in-policy records (targets for detail and timeseries calls). */
    inPolicy: string[];
    /** Public ids of the staged connector's records (visible only with `x-bbk-connectors`). */
    staged_ids: Set<string>;
    /** Fixture user ids (never written by the fuzzer). */
    users: number[];
  };
  /** Resources the fuzzer may write, grown from its own 201s. */
  owned: {
    entityTypes: string[];
    connectors: Array<{ eid: string; slug: string }>;
    policies: string[];
    users: number[];
  };
  /** Connectors whose sessions the fuzzer drives (never deleted), and their open session ids. */
  sessions: Array<KnownConnector & { sid?: string }>;
  /** Markers planted in the fixture data: any of them in a fixture-policy answer is a leak. */
  markers: { out: string; masked: string; staged: string };
  close(): Promise<void>;
}

const MARK = { out: 'OUTPOLICY-', masked: 'MASKED-', staged: 'STAGED-' };

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Extracts the secret part of a `<kind>.<key id>.<secret>` token. */
export function secretOf(token: string): string {
  return token.split('.')[2] ?? token;
}

async function api(
  urls: Urls,
  surface: Surface,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; text: string; location: string | null }> {
  const headers: Record<string, string> = {};
  if (token) headers['x-bbk-auth-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${urls[surface]}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`fuzz setup: ${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, text, location: res.headers.get('location') };
}

/** A webhook for the fixture connectors: it adds a masked value to every entity, and serves timeseries. */
async function startHook(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    res.setHeader('content-type', 'application/json');
    if (url.includes('/timeseries/')) {
      res.end(JSON.stringify([{ from: '2020-01-01T00:00:00.000Z', value: 1 }]));
    } else {
      const id = url.split('/').pop() ?? '';
      res.end(
        JSON.stringify({ entity: { secret: `${MARK.masked}hook-${id}`, hooked: true }, instance: { via: 'hook' } }),
      );
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

interface SourceRecord {
  id: string;
  name: string;
  entity: Record<string, unknown>;
  instance?: Record<string, unknown>;
}

function countries(): SourceRecord[] {
  const file = new URL('../../../../examples/countries/data/country.json', import.meta.url);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
  return raw.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_'))) as never);
}

/**
 * Builds the world on a running server. `adminToken`: the bootstrap coordinator token
 * (production), ignored in development.
 */
export async function buildWorld(options: {
  urls: Urls;
  mode: 'production' | 'development';
  adminToken?: string;
}): Promise<World> {
  const { urls, mode } = options;
  const prod = mode === 'production';
  const admin = prod ? options.adminToken : undefined;
  if (prod && !admin) throw new Error('fuzz setup: production mode needs the bootstrap token');
  const hook = await startHook();
  const secrets = new Set<string>();
  const keep = (token: string) => {
    secrets.add(secretOf(token));
    return token;
  };
  if (admin) keep(admin);
  const coord = (method: string, path: string, body?: unknown) => api(urls, 'coordinator', method, path, admin, body);

  // ---- the fixture: a country type with a timeseries, a live and a staged connector
  const fx = 'fx-country';
  await coord('POST', `/entity/${fx}`, {
    name: 'Fixture countries',
    description: 'countries with planted markers',
    schema: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
    timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1000' } },
    tags: ['fixture'],
  });
  const connector = async (eid: string, slug: string, live: boolean, webhook: string | null) => {
    const created = JSON.parse(
      (await coord('POST', `/entity/${eid}/connector/${slug}`, { name: slug, description: slug, webhook })).text,
    ) as { id: string; token: string; webhook_secret?: string };
    keep(created.token);
    if (created.webhook_secret) secrets.add(created.webhook_secret);
    if (live) await coord('POST', `/entity/${eid}/connector/${slug}/live`);
    return { eid, slug, cid: created.id, token: created.token };
  };
  const live = await connector(fx, 'fx-live', true, hook.url);
  const staged = await connector(fx, 'fx-staged', false, hook.url);

  const contribute = async (c: KnownConnector, records: SourceRecord[]) => {
    const tok = prod ? c.token : undefined;
    const sid = JSON.parse(
      (await api(urls, 'contributor', 'GET', `/connector/${c.cid}/session/open/stream`, tok)).text,
    ) as string;
    for (let i = 0; i < records.length; i += 250) {
      await api(
        urls,
        'contributor',
        'POST',
        `/connector/${c.cid}/session/${sid}/upsert`,
        tok,
        records.slice(i, i + 250),
      );
    }
    await api(urls, 'contributor', 'GET', `/connector/${c.cid}/session/${sid}/close/true`, tok);
  };
  const outOfPolicy = new Set<string>();
  const inPolicy: string[] = [];
  const planted: SourceRecord[] = countries().map((r, i) => {
    const europe = r.entity.continent === 'Europe';
    const pid = sha1(`${live.cid}:${r.id}`);
    if (europe) inPolicy.push(pid);
    else outOfPolicy.add(pid);
    return {
      ...r,
      name: europe ? r.name : `${MARK.out}${r.name}`,
      entity: {
        ...r.entity,
        secret: `${MARK.masked}${i}-${sha1(r.id).slice(0, 8)}`,
        private: { pin: `${MARK.masked}pin-${i}` },
        ...(europe ? {} : { marker: `${MARK.out}${i}` }),
      },
    };
  });
  await contribute(live, planted);
  const stagedRecords = planted
    .filter((r) => r.entity.continent === 'Europe')
    .slice(0, 20)
    .map((r) => ({ ...r, name: `${MARK.staged}${r.name}`, entity: { ...r.entity, staged: MARK.staged } }));
  await contribute(staged, stagedRecords);
  const stagedIds = new Set(stagedRecords.map((r) => sha1(`${staged.cid}:${r.id}`)));

  const policy = 'fx-europe';
  await coord('POST', `/policy/${policy}`, {
    name: 'Fixture Europe',
    description: 'European countries, secrets masked',
    tags: ['fixture'],
    policy: {
      access_control: { enabled: false },
      data_segment: {
        segment_query: { type: fx, 'entity.continent': 'Europe' },
        field_masks: [`${fx}.entity.secret`, `${fx}.private`],
      },
      legal_context: [{ type: 'note', text: 'fixture', link: null }],
    },
  });

  // ---- users: two consumers of the fixture policy, one extra coordinator, one rescinded set
  const user = async (name: string) => {
    const res = await coord('POST', '/user', { name, email: `${name}@fuzz.example.org`, organization: 'Fuzz' });
    return Number((res.location ?? '').split('/').pop());
  };
  const consumerTokens: string[] = [];
  const rescinded: string[] = [];
  const users: number[] = [];
  for (const name of ['ana', 'ben']) {
    const uid = await user(name);
    users.push(uid);
    consumerTokens.push(keep((await coord('POST', `/user/${uid}/access/${policy}`)).text));
  }
  const coordinators = admin ? [admin] : [];
  const carl = await user('carl');
  users.push(carl);
  coordinators.push(keep((await coord('POST', `/user/${carl}/coordinator`)).text));
  if (prod) {
    // a reissued consumer token and a demoted coordinator's token: both rescinded
    const dora = await user('dora');
    users.push(dora);
    rescinded.push(keep((await coord('POST', `/user/${dora}/access/${policy}`)).text));
    consumerTokens.push(keep((await coord('PUT', `/user/${dora}/access/${policy}`)).text));
    rescinded.push(keep((await coord('POST', `/user/${dora}/coordinator`)).text));
    await coord('DELETE', `/user/${dora}/coordinator`);
  }

  // ---- what the fuzzer may write: its own types, connectors, policies and users
  const owned: World['owned'] = { entityTypes: [], connectors: [], policies: [], users: [] };
  for (const eid of ['fz-thing', 'fz-other', 'fz-sess']) {
    await coord('POST', `/entity/${eid}`, {
      name: eid,
      description: 'fuzz-owned',
      schema: { type: 'object', properties: { n: { type: 'number' }, s: { type: 'string', maxLength: 64 } } },
    });
    if (eid !== 'fz-sess') owned.entityTypes.push(eid);
  }
  const sessions: World['sessions'] = [];
  for (const [eid, slug] of [
    ['fz-sess', 'fz-sess-a'],
    ['fz-sess', 'fz-sess-b'],
    [fx, 'fz-sess-c'],
  ] as const) {
    sessions.push(await connector(eid, slug, true, eid === fx ? hook.url : null));
  }
  const gone = await connector('fz-other', 'fz-gone', true, null);
  await coord('DELETE', `/entity/fz-other/connector/fz-gone`);
  if (prod) rescinded.push(gone.token);
  owned.connectors.push({ eid: 'fz-other', slug: 'fz-owned' });
  await connector('fz-other', 'fz-owned', false, null);
  for (const pid of ['fz-pol-a', 'fz-pol-b']) {
    await coord('POST', `/policy/${pid}`, {
      name: pid,
      description: 'fuzz-owned',
      policy: {
        access_control: { enabled: true, rate: 1000, quota: { max_number: 100000, interval_type: 'day' } },
        data_segment: { segment_query: { type: 'fz-sess' }, field_masks: [] },
        legal_context: [],
      },
    });
    owned.policies.push(pid);
  }
  for (const name of ['fz-eve', 'fz-fay']) owned.users.push(await user(name));

  return {
    mode,
    urls,
    tokens: {
      coordinator: coordinators,
      contributor: sessions.map((s) => s.token),
      consumer: prod ? consumerTokens : [],
    },
    rescinded,
    secrets,
    fixture: { policy, entityType: fx, live, staged, outOfPolicy, inPolicy, staged_ids: stagedIds, users },
    owned,
    sessions,
    markers: MARK,
    async close() {
      hook.server.closeAllConnections();
      await new Promise((r) => hook.server.close(r));
    },
  };
}
