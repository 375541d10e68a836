import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContributorEnv,
  contributorEnv,
  ids,
  makeConnector,
  rec,
  type TestConnector,
} from './contributor-setup.js';
import { call } from './harness.js';

let env: ContributorEnv;
let c: TestConnector;
const unknownCid = 'f'.repeat(40);

const bad = (...items: { name: string; index: number | null; reason: string }[]) => ({
  error: { code: 400, status: 'Bad Request', message: items },
});
const status = (code: number, text: string) => ({ error: { code, status: text, message: '' } });
const post = (path: string, body: unknown) => call(`${env.base}${path}`, { method: 'POST', body });
const get = (path: string) => call(`${env.base}${path}`);

beforeAll(async () => {
  env = await contributorEnv();
  c = await makeConnector(env, 'country', 'errors');
});
afterAll(() => env.close());

describe('parameters (spec §3.1)', () => {
  it('open: 400 on a bad contribution id or mode, both listed in route order', async () => {
    const res = await get('/connector/ABC/session/open/sometimes');
    expect(res.status).toBe(400);
    expect(res.json).toEqual(
      bad(
        { name: 'id', index: null, reason: 'does not meet minimum length of 40' },
        { name: 'id', index: null, reason: 'does not match pattern "^[a-z0-9]+$"' },
        { name: 'mode', index: null, reason: 'is not one of enum values: accrue,stream,replace' },
      ),
    );
    // the contribution id is not lower-cased
    expect((await get(`/connector/${c.cid.toUpperCase()}/session/open/stream`)).json).toEqual(
      bad({ name: 'id', index: null, reason: 'does not match pattern "^[a-z0-9]+$"' }),
    );
    // mode, action and commit are matched after lower-casing
    const sid = (await get(`/connector/${c.cid}/session/open/ReplAce`)).json as string;
    expect((await post(`/connector/${c.cid}/session/${sid}/UPSERT`, [])).status).toBe(200);
    expect((await get(`/connector/${c.cid}/session/${sid}/close/False`)).status).toBe(200);
  });

  it('open: 400 before 404 before 200', async () => {
    expect((await get(`/connector/${unknownCid}/session/open/nope`)).status).toBe(400);
    const res = await get(`/connector/${unknownCid}/session/open/accrue`);
    expect(res.status).toBe(404);
    expect(res.json).toEqual(status(404, 'Not Found'));
  });

  it('action: session id and action are validated, both ids named "id"', async () => {
    const res = await post(`/connector/${c.cid}/session/NOT-A-UUID/merge`, []);
    expect(res.json).toEqual(
      bad(
        { name: 'id', index: null, reason: 'does not meet minimum length of 36' },
        { name: 'id', index: null, reason: 'does not match pattern "^[a-z0-9][a-z0-9-]+$"' },
        { name: 'action', index: null, reason: 'is not one of enum values: upsert,delete' },
      ),
    );
  });

  it('close: 400 on a bad commit, then 404, then 401', async () => {
    const sid = randomUUID();
    expect((await get(`/connector/${c.cid}/session/${sid}/close/yes`)).json).toEqual(
      bad({ name: 'commit', index: null, reason: 'is not one of enum values: true,false' }),
    );
    expect((await get(`/connector/${unknownCid}/session/${sid}/close/true`)).status).toBe(404);
    const res = await get(`/connector/${c.cid}/session/${sid}/close/true`);
    expect(res.status).toBe(401);
    expect(res.json).toEqual(status(401, 'Unauthorized'));
  });

  it('unmatched methods and paths are the standard 404; paths match case-insensitively with an optional trailing slash', async () => {
    // POST to the open path is an action with session id "open": a 400, as in the original routing
    expect((await call(`${env.base}/connector/${c.cid}/session/open/stream`, { method: 'POST' })).status).toBe(400);
    expect((await call(`${env.base}/connector/${c.cid}/session/open/stream`, { method: 'DELETE' })).status).toBe(404);
    expect((await get(`/connector/${c.cid}/session/${randomUUID()}/upsert`)).status).toBe(404);
    expect((await call(`${env.base}/connector/${c.cid}/session/open/stream`, { method: 'PUT' })).json).toEqual(
      status(404, 'Not Found'),
    );
    const sid = (await get(`/CONNECTOR/${c.cid}/Session/OPEN/stream/`)).json as string;
    expect((await post(`/Connector/${c.cid}/SESSION/${sid}/upsert/`, [rec('slash')])).status).toBe(200);
    expect((await get(`/connector/${c.cid}/session/${sid}/CLOSE/true/`)).status).toBe(200);
  });
});

describe('order of checks for actions', () => {
  it('params, then body rules, come before 404', async () => {
    const res = await post(`/connector/${unknownCid}/session/bad/upsert`, [{ id: 'a' }]);
    expect(res.json).toEqual(
      bad(
        { name: 'id', index: null, reason: 'does not meet minimum length of 36' },
        { name: 'records', index: 0, reason: 'requires property "name"' },
        { name: 'records', index: 0, reason: 'requires property "entity"' },
      ),
    );
    expect((await post(`/connector/${unknownCid}/session/${randomUUID()}/delete`, [1])).status).toBe(400);
    expect((await post(`/connector/${unknownCid}/session/${randomUUID()}/delete`, ['1'])).status).toBe(404);
  });

  it('404 before 401, and 401 before entity-schema errors', async () => {
    expect((await post(`/connector/${unknownCid}/session/${randomUUID()}/upsert`, [rec('a')])).status).toBe(404);
    const schemaBad = [{ id: 'a', name: 'A', entity: { code: 7 } }];
    expect((await post(`/connector/${c.cid}/session/${randomUUID()}/upsert`, schemaBad)).status).toBe(401);
    const sid = (await get(`/connector/${c.cid}/session/open/stream`)).json as string;
    expect((await post(`/connector/${c.cid}/session/${sid}/upsert`, schemaBad)).status).toBe(400);
  });
});

describe('upsert and delete bodies (spec §3.2)', () => {
  let sid: string;
  beforeAll(async () => {
    sid = (await get(`/connector/${c.cid}/session/open/stream`)).json as string;
  });
  const upsert = (body: unknown) => post(`/connector/${c.cid}/session/${sid}/upsert`, body);

  it('requires an array of 0–250 records', async () => {
    expect((await upsert({})).json).toEqual(bad({ name: 'records', index: null, reason: 'is not of a type(s) array' }));
    const many = Array.from({ length: 251 }, (_, i) => rec(`m${i}`));
    expect((await upsert(many)).json).toEqual(
      bad({ name: 'records', index: null, reason: 'does not meet maximum length of 250' }),
    );
    expect((await upsert(many.slice(0, 250))).status).toBe(200);
  });

  it('checks every record and reports each with its index; one bad record rejects the call', async () => {
    const before = await env.reader.records.count(c.id);
    const res = await upsert([
      rec('fine'),
      { id: '', name: 'x'.repeat(257), entity: [], instance: 'x', extra: 1 },
      { name: 'only a name' },
    ]);
    expect(res.json).toEqual(
      bad(
        { name: 'records.id', index: 1, reason: 'does not meet minimum length of 1' },
        { name: 'records.name', index: 1, reason: 'does not meet maximum length of 256' },
        { name: 'records.entity', index: 1, reason: 'is not of a type(s) object' },
        { name: 'records.instance', index: 1, reason: 'is not of a type(s) object' },
        { name: 'records', index: 1, reason: 'is not allowed to have the additional property "extra"' },
        { name: 'records', index: 2, reason: 'requires property "id"' },
        { name: 'records', index: 2, reason: 'requires property "entity"' },
      ),
    );
    expect(await env.reader.records.count(c.id)).toBe(before);
    expect(await env.reader.records.get(c.id, 'fine')).toBeUndefined();
  });

  it('accepts ids and names of 256 characters and any JSON in entity and instance', async () => {
    const long = 'é'.repeat(256);
    const r = {
      id: long,
      name: long,
      entity: { code: 'ZZ', deep: { a: [1, { b: null }] }, s: '\u2028"\\' },
      instance: {},
    };
    expect((await upsert([r])).status).toBe(200);
    expect((await env.reader.records.get(c.id, long))?.doc).toMatchObject({ entity: r.entity, instance: {} });
  });

  it('answers 400, never 500, for entity or instance nested too deeply to store', async () => {
    const nest = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
    const body = (entity: string, instance = '{}') =>
      `[{"id":"ok","name":"ok","entity":{"code":"AA"}},{"id":"deep","name":"Deep","entity":${entity},"instance":${instance}}]`;
    const send = (rawBody: string) =>
      call(`${env.base}/connector/${c.cid}/session/${sid}/upsert`, {
        method: 'POST',
        rawBody,
        headers: { 'content-type': 'application/json' },
      });
    // 999 levels is the most the store takes under `entity` (the record object is level 1 of 1000)
    const entity = (levels: number) => `{"code":"AA","a":${nest(levels - 1)}}`;
    expect((await send(body(entity(999)))).status).toBe(200);
    expect((await env.reader.records.get(c.id, 'deep'))?.name).toBe('Deep');
    const stored = await env.reader.records.list(c.id);
    const tooDeep = await send(body(entity(1000)));
    expect(tooDeep.json).toEqual(
      bad({ name: 'records.entity', index: 1, reason: 'is nested more than 999 levels deep' }),
    );
    const instance = await send(body('{"code":"AA"}', nest(5000)));
    expect(instance.json).toEqual(
      bad({ name: 'records.instance', index: 1, reason: 'is nested more than 999 levels deep' }),
    );
    // deep enough to overflow a recursive JSON.stringify
    const extreme = await send(body(entity(200_000)));
    expect(extreme.json).toEqual(
      bad({ name: 'records.entity', index: 1, reason: 'is nested more than 999 levels deep' }),
    );
    expect(await env.reader.records.list(c.id)).toEqual(stored);
  });

  it('delete takes 0–250 strings', async () => {
    const del = (body: unknown) => post(`/connector/${c.cid}/session/${sid}/delete`, body);
    expect((await del(['a', 3, null])).json).toEqual(
      bad(
        { name: 'records', index: 1, reason: 'is not of a type(s) string' },
        { name: 'records', index: 2, reason: 'is not of a type(s) string' },
      ),
    );
    expect((await del({ ids: ['GB'] })).json).toEqual(
      bad({ name: 'records', index: null, reason: 'is not of a type(s) array' }),
    );
    // a JSON string at the top level is a syntax error (spec §1.5)
    expect((await del('GB')).json).toEqual(
      bad({ name: 'syntax', index: null, reason: 'Unexpected token " in JSON at position 0' }),
    );
    expect((await del(Array(251).fill('x'))).json).toEqual(
      bad({ name: 'records', index: null, reason: 'does not meet maximum length of 250' }),
    );
    expect((await del([])).json).toEqual({});
  });

  it('answers a JSON syntax error or a non-JSON body in the standard format', async () => {
    const syntax = await call(`${env.base}/connector/${c.cid}/session/${sid}/upsert`, {
      method: 'POST',
      rawBody: '[{"id": }]',
      headers: { 'content-type': 'application/json' },
    });
    expect(syntax.status).toBe(400);
    expect(syntax.json).toEqual(
      bad({ name: 'syntax', index: null, reason: 'Unexpected token } in JSON at position 8' }),
    );
    const text = await call(`${env.base}/connector/${c.cid}/session/${sid}/upsert`, {
      method: 'POST',
      rawBody: '[]',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.json).toEqual(bad({ name: 'records', index: null, reason: 'is not of a type(s) array' }));
  });
});

describe('entity schema checks', () => {
  it('rejects the whole call with every record’s schema errors, nothing stored', async () => {
    const k = await makeConnector(env, 'country', 'schema-check');
    const sid = (await get(`/connector/${k.cid}/session/open/stream`)).json as string;
    const res = await post(`/connector/${k.cid}/session/${sid}/upsert`, [
      rec('ok'),
      { id: 'a', name: 'A', entity: { area: 'big' } },
      rec('also-ok'),
      { id: 'b', name: 'B', entity: { code: 'TOO LONG', area: 1 } },
    ]);
    expect(res.json).toEqual(
      bad(
        { name: 'records.entity.area', index: 1, reason: 'is not of a type(s) number' },
        { name: 'records.entity', index: 1, reason: 'requires property "code"' },
        { name: 'records.entity.code', index: 3, reason: 'does not meet maximum length of 2' },
      ),
    );
    expect(await env.reader.records.count(k.id)).toBe(0);
  });

  it('uses the current schema after an entity type update; an empty or lenient schema accepts any entity', async () => {
    const type = { name: 'Loose', description: 'Loose things', schema: {}, timeseries: {} };
    const k = await makeConnector(env, 'loose', 'loose-1', type);
    const sid = (await get(`/connector/${k.cid}/session/open/stream`)).json as string;
    const anything = { id: 'x', name: 'X', entity: { whatever: [1, 2] } };
    expect((await post(`/connector/${k.cid}/session/${sid}/upsert`, [anything])).status).toBe(200);
    await env.coord.entityTypes.update('loose', { ...type, schema: { required: ['code'] } });
    const res = await post(`/connector/${k.cid}/session/${sid}/upsert`, [anything]);
    expect(res.json).toEqual(bad({ name: 'records.entity', index: 0, reason: 'requires property "code"' }));
    await env.coord.entityTypes.update('loose', { ...type, schema: { type: 'foobar', required: 'x' } });
    expect((await post(`/connector/${k.cid}/session/${sid}/upsert`, [anything])).status).toBe(200);
    expect(await ids(env, k)).toEqual(['x']);
  });
});
