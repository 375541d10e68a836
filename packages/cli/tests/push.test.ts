import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CatalogItem, ConsumerClient, CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/tests/harness.js';
import type { PushReport } from '../src/commands/push/views.js';
import { bbk, cleanup, DATA, normalise, type Run, serverAndCli, tempDir, urlFlags } from './helpers.js';

let server: TestServer;
let coordinator: CoordinatorClient;
let consumer: ConsumerClient;
let cid: string;
let contributorToken: string;
const dir = tempDir();
const countries = JSON.parse(readFileSync(join(DATA, 'country.json'), 'utf8')) as Record<string, unknown>[];

/** Runs `bbk push` with the contributor token. */
const push = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  bbk(['push', ...args, ...urlFlags(server), '--token', contributorToken], { env });

async function catalog(): Promise<CatalogItem[]> {
  const all: CatalogItem[] = [];
  for await (const item of consumer.catalogAll({ type: 'country' })) all.push(item);
  return all;
}

beforeAll(async () => {
  ({ server } = await serverAndCli({ mode: 'production' }));
  coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  await coordinator.entityTypes.create('country', {
    name: 'Countries',
    description: 'All the countries',
    schema: {
      type: 'object',
      properties: { population: { type: 'integer' }, code: { type: 'string' } },
      required: ['code'],
    },
  });
  ({ id: cid, token: contributorToken } = await coordinator.connectors.create('country', 'wikipedia', {
    name: 'Wikipedia',
    description: 'Facts',
  }));
  await coordinator.connectors.promote('country', 'wikipedia');
  await coordinator.policies.create('everything', {
    name: 'Everything',
    description: 'All countries',
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'country' } },
      legal_context: [],
    },
  });
  await coordinator.users.create({ name: 'Reader', email: 'reader@example.org', organization: 'Readers' });
  consumer = new ConsumerClient({
    baseUrl: server.urls.consumer,
    token: await coordinator.accesses.grant(2, 'everything'),
  });

  const bad = structuredClone(countries);
  (bad[99] as { entity: Record<string, unknown> }).entity.population = 'lots';
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
  writeFileSync(
    join(dir, 'schema.json'),
    JSON.stringify({ type: 'object', properties: { population: { type: 'integer' } } }),
  );
});

afterAll(async () => {
  await Promise.all([coordinator.close(), consumer.close()]);
  await server.destroy();
  cleanup();
});

describe('bbk push', () => {
  it('pushes country.json in batches, dropping private keys and reporting the rejected record with its reason', async () => {
    const r = await push([
      join(dir, 'bad.json'),
      '--connector',
      cid,
      '--mode',
      'accrue',
      '--batch-size',
      '50',
      '--json',
    ]);
    expect(r.code).toBe(6);
    const report = r.json<PushReport>();
    expect(report).toMatchObject({
      connector: cid,
      mode: 'accrue',
      committed: true,
      read: 199,
      accepted: 198,
      upserted: 198,
      rejected: 1,
      dropped_keys: ['_population', '_wikidata'],
    });
    expect(report.rejections).toEqual([
      { location: 'record 100', id: 'KZ', reasons: ['entity.population: is not of a type(s) integer'] },
    ]);
    expect(Object.keys(report.ids)).toHaveLength(198);
    const items = await catalog();
    expect(items).toHaveLength(198);
    expect(items.map((i) => i.name)).not.toContain('Kazakhstan');
    // The record was stored without its connector-private keys (the server rejects unknown keys otherwise).
    expect(report.ids.GB).toMatch(/^[0-9a-f]{40}$/);
  });

  it('shows a readable report to people', async () => {
    const r = await push([join(dir, 'bad.json'), '--connector', cid, '--batch-size', '100']);
    expect(r.code).toBe(6);
    expect(normalise(r.stdout.replaceAll(dir, '/tmp/DIR'))).toMatchSnapshot();
  });

  it('rolls everything back with --atomic, and refuses --atomic with stream', async () => {
    await push([join(DATA, 'country.json'), '--connector', cid, '--mode', 'replace', '--json']);
    const before = await catalog();
    expect(before).toHaveLength(199);
    const r = await push([
      join(dir, 'bad.json'),
      '--connector',
      cid,
      '--mode',
      'replace',
      '--atomic',
      '--batch-size',
      '50',
      '--json',
    ]);
    expect(r.code).toBe(6);
    expect(r.json<PushReport>()).toMatchObject({ committed: false, upserted: 0, rejected: 1 });
    expect(r.json<PushReport>().aborted).toMatch(/--atomic/);
    expect(await catalog()).toHaveLength(199);
    expect((await push([join(dir, 'bad.json'), '--connector', cid, '--mode', 'stream', '--atomic'])).code).toBe(2);
  });

  it('never empties a connector with a replace session in which every record was rejected', async () => {
    const r = await push([
      join(DATA, 'country.json'),
      '--connector',
      cid,
      '--mode',
      'replace',
      '--keep-private',
      '--json',
    ]);
    expect(r.code).toBe(6);
    const report = r.json<PushReport>();
    expect(report).toMatchObject({ committed: false, rejected: 199, upserted: 0, session: null });
    expect(report.aborted).toMatch(/no session was opened/);
    expect(report.rejections[0]?.reasons.join(' ')).toMatch(/additional property "_wikidata"/);
    expect(await catalog()).toHaveLength(199);
  });

  it('reads NDJSON in a stream session and reports a malformed line', async () => {
    const lines = countries.slice(0, 3).map((c) => JSON.stringify({ ...c, name: `${c.name as string} (ndjson)` }));
    writeFileSync(join(dir, 'three.ndjson'), `${lines[0]}\n{not json\n\n${lines[1]}\n${lines[2]}\n`);
    const r = await push([join(dir, 'three.ndjson'), '--connector', cid, '--mode', 'stream', '--json']);
    expect(r.code).toBe(6);
    const report = r.json<PushReport>();
    expect(report).toMatchObject({ format: 'ndjson', read: 4, upserted: 3, rejected: 1 });
    expect(report.rejections[0]?.location).toBe('line 2');
    expect(report.rejections[0]?.reasons[0]).toMatch(/not valid JSON/);
    const detail = await consumer.entity('country', report.ids.AD ?? '');
    expect(detail.name).toBe('Andorra (ndjson)');
  });

  it('maps CSV columns with types and nested paths', async () => {
    writeFileSync(
      join(dir, 'countries.csv'),
      'code,country,pop,currency,langs,_note\nZZ,"Zedland, Republic of",1234,ZZD,"[""Zed""]",private\nYY,Whyland,77,,,\n',
    );
    const r = await push([
      join(dir, 'countries.csv'),
      '--connector',
      cid,
      '--json',
      '--map',
      'id=code',
      '--map',
      'name=country',
      '--map',
      'entity.code=code',
      '--map',
      'entity.population=pop:integer',
      '--map',
      'entity.currency.code=currency',
      '--map',
      'entity.languages=langs:json',
    ]);
    expect(r.code).toBe(0);
    const report = r.json<PushReport>();
    expect(report).toMatchObject({ format: 'csv', read: 2, upserted: 2, rejected: 0, dropped_keys: ['_note'] });
    const zed = await consumer.entity('country', report.ids.ZZ ?? '');
    expect(zed).toMatchObject({
      name: 'Zedland, Republic of',
      entity: { code: 'ZZ', population: 1234, currency: { code: 'ZZD' }, languages: ['Zed'] },
    });
    expect((await push([join(dir, 'countries.csv'), '--connector', cid, '--map', 'id=nope'])).code).toBe(2);
    // a cell that cannot be converted rejects its row, which the report still names by its id
    writeFileSync(join(dir, 'bad-cell.csv'), 'code,raw\nAA,[1]\nBB,notjson\n');
    const bad = await push([
      join(dir, 'bad-cell.csv'),
      '--connector',
      cid,
      '--json',
      '--dry-run',
      '--map',
      'id=code',
      '--map',
      'name=code',
      '--map',
      'entity.raw=raw:json',
    ]);
    expect(bad.json<PushReport>().rejections).toEqual([
      { location: 'line 3', id: 'BB', reasons: [expect.stringMatching(/column "raw": not valid JSON/)] },
    ]);
  });

  it('validates without sending with --dry-run (schema from a file or from the coordinator)', async () => {
    const before = (await catalog()).length;
    const fromFile = await push([join(dir, 'bad.json'), '--dry-run', '--schema', join(dir, 'schema.json'), '--json']);
    expect(fromFile.code).toBe(6);
    expect(fromFile.json<PushReport>()).toMatchObject({
      dry_run: true,
      schema_checked: true,
      accepted: 198,
      rejected: 1,
      session: null,
    });
    expect(fromFile.json<PushReport>().rejections[0]?.reasons[0]).toMatch(/^entity\.population: must be integer/);
    const fromServer = await push([join(DATA, 'country.json'), '--dry-run', '--entity', 'country', '--json'], {
      BBK_COORDINATOR_TOKEN: server.adminToken,
    });
    expect(fromServer.code).toBe(0);
    expect(fromServer.json<PushReport>()).toMatchObject({ schema_checked: true, accepted: 199, rejected: 0 });
    const shapeOnly = await push([join(DATA, 'country.json'), '--dry-run', '--keep-private']);
    expect(shapeOnly.code).toBe(6);
    expect(shapeOnly.stdout).toContain('entity schema not checked');
    expect((await catalog()).length).toBe(before);
    expect((await coordinator.connectors.get('country', 'wikipedia')).in_session).toBe(false);
  });

  it('reads stdin and prints public ids with --quiet', async () => {
    const two = JSON.stringify(countries.slice(0, 2));
    const r = await bbk(
      ['push', '-', '--connector', cid, '--quiet', ...urlFlags(server), '--token', contributorToken],
      { input: two },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/^[0-9a-f]{40}\n[0-9a-f]{40}\n$/);
  });

  it('exits 2 without a connector, 4 with a bad token and 3 for an unknown contribution id', async () => {
    const none = await push([join(DATA, 'country.json')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing required value: --connector');
    const bad = await bbk([
      'push',
      join(DATA, 'country.json'),
      '--connector',
      cid,
      ...urlFlags(server),
      '--token',
      'contributor.x.y',
    ]);
    expect(bad.code).toBe(4);
    const unknown = await push([join(DATA, 'country.json'), '--connector', 'f'.repeat(40)]);
    expect([3, 4]).toContain(unknown.code);
    expect((await push([join(dir, 'missing.json'), '--connector', cid])).code).toBe(2);
  });
});
