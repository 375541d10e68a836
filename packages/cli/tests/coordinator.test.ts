import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorDetail, EntityTypeDetail, PolicyDetail, UserDetail, UserListItem } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/tests/harness.js';
import { cleanup, normalise, type Run, serverAndCli, tempDir } from './helpers.js';

let server: TestServer;
let run: (args: string[], token?: string) => Promise<Run>;
const dir = tempDir();

const policyBody = {
  name: 'Over a billion',
  description: 'Countries with more than a billion people',
  tags: ['big'],
  policy: {
    access_control: { enabled: true, rate: 10, quota: { max_number: 1000, interval_type: 'day' } },
    data_segment: {
      segment_query: { type: 'country', 'entity.population': { $gt: 1000000000 } },
      field_masks: ['country.entity.capital'],
    },
    legal_context: [{ type: 'license', text: 'CC-BY 4.0', link: 'https://creativecommons.org/licenses/by/4.0/' }],
  },
};

beforeAll(async () => {
  ({ server, run } = await serverAndCli({ mode: 'production' }));
  writeFileSync(
    join(dir, 'schema.json'),
    JSON.stringify({ type: 'object', properties: { population: { type: 'integer' } } }),
  );
  writeFileSync(join(dir, 'timeseries.yaml'), 'population:\n  period: P1Y\n  value: people\n  unit: x1000\n');
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policyBody));
  writeFileSync(
    join(dir, 'policy.yaml'),
    'name: Europe\ndescription: European countries\npolicy:\n  access_control: { enabled: false }\n  data_segment:\n    segment_query: { entity.continent: Europe }\n  legal_context: []\n',
  );
  writeFileSync(join(dir, 'bad-policy.json'), JSON.stringify({ name: 'x', policy: { access_control: {} } }));
});

afterAll(async () => {
  await server.destroy();
  cleanup();
});

describe('bbk user', () => {
  it('adds a user and prints the full detail object with --json', async () => {
    const r = await run([
      'user',
      'add',
      '--name',
      'Alice',
      '--email',
      'Alice@Acme.io',
      '--organization',
      'Acme',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const user = r.json<UserDetail>();
    expect(user).toMatchObject({
      id: 2,
      name: 'Alice',
      email: 'alice@acme.io',
      organization: 'Acme',
      coordinator: false,
      accesses: [],
      addendum: {},
    });
    expect(user.url).toBe(`${server.urls.coordinator}/user/2`);
  });

  it('lists users as JSON, ids and a table that fits 100 columns', async () => {
    const json = await run(['user', 'list', '--json']);
    expect(json.json<UserListItem[]>().map((u) => u.email)).toEqual(['noreply@bit-broker.io', 'alice@acme.io']);
    const quiet = await run(['user', 'list', '--quiet']);
    expect(quiet.stdout).toBe('1\n2\n');
    const human = await run(['user', 'list']);
    expect(human.code).toBe(0);
    expect(Math.max(...human.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(normalise(human.stdout)).toMatchSnapshot();
  });

  it('shows a user by id or email; an unknown id exits 3', async () => {
    expect((await run(['user', 'show', 'alice@acme.io', '--json'])).json<UserDetail>().id).toBe(2);
    const human = await run(['user', 'show', '2']);
    expect(normalise(human.stdout)).toMatchSnapshot();
    const unknown = await run(['user', 'show', '99', '--json']);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toBe('');
    expect(unknown.errorJson().error).toMatchObject({ exit: 3, status: 404 });
  });

  it('updates only the fields given and refuses to change the email', async () => {
    const r = await run([
      'user',
      'update',
      '2',
      '--organization',
      'Acme Ltd',
      '--addendum',
      '{"team":"red"}',
      '--json',
    ]);
    expect(r.json<UserDetail>()).toMatchObject({ name: 'Alice', organization: 'Acme Ltd', addendum: { team: 'red' } });
    const email = await run(['user', 'update', '2', '--email', 'new@acme.io']);
    expect(email.code).toBe(2);
    expect(email.stderr).toMatch(/immutable/);
  });

  it('exits 5 on a duplicate email and 6 with every validation reason on bad input', async () => {
    const dup = await run(['user', 'add', '--name', 'A', '--email', 'alice@acme.io', '--organization', 'B']);
    expect(dup.code).toBe(5);
    const bad = await run(['user', 'add', '--name', '', '--email', 'foo@bar', '--organization', 'B']);
    expect(bad.code).toBe(6);
    expect(bad.stderr).toContain('name: does not meet minimum length of 1');
    expect(bad.stderr).toContain('email: does not conform to the "email" format');
    const badJson = await run(['user', 'add', '--name', '', '--email', 'foo@bar', '--organization', 'B', '--json']);
    expect(badJson.errorJson().error.items?.map((i) => i.name)).toEqual(['name', 'email']);
  });

  it('exits 2 naming a missing required value when stdin is not a terminal', async () => {
    const r = await run(['user', 'add', '--email', 'bob@acme.io', '--organization', 'Acme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing required value: --name');
    const uid = await run(['user', 'show', 'abc']);
    expect(uid.code).toBe(2);
  });

  it('promotes (token printed once) and demotes; demoting yourself is refused with exit 4', async () => {
    const promoted = await run(['user', 'promote', '2', '--json']);
    const { token } = promoted.json<{ id: number; token: string }>();
    expect(token).toMatch(/^coordinator\./);
    expect((await run(['user', 'list', '--quiet'], token)).code).toBe(0);
    expect((await run(['user', 'promote', '2'])).code).toBe(5);
    expect((await run(['user', 'demote', '2'])).code).toBe(0);
    expect((await run(['user', 'list'], token)).code).toBe(4);
    const self = await run(['user', 'demote', '1']);
    expect(self.code).toBe(4);
  });

  it('exits 4 without a valid token', async () => {
    const r = await run(['user', 'list'], 'coordinator.nope.nope');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/401 Unauthorized/);
    expect((await run(['user', 'list'], '')).code).toBe(4);
  });
});

describe('bbk entity, connector', () => {
  it('adds an entity type with schema and timeseries files', async () => {
    const r = await run([
      'entity',
      'add',
      'Country',
      '--name',
      'Countries',
      '--description',
      'All the countries',
      '--schema',
      join(dir, 'schema.json'),
      '--timeseries',
      join(dir, 'timeseries.yaml'),
      '--tags',
      'geo, world',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.json<EntityTypeDetail>()).toMatchObject({
      id: 'country',
      tags: ['geo', 'world'],
      schema: { type: 'object' },
      timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1000' } },
    });
    expect(normalise((await run(['entity', 'show', 'country'])).stdout)).toMatchSnapshot();
    expect((await run(['entity', 'add', 'country', '--name', 'X', '--description', 'Y'])).code).toBe(5);
    expect((await run(['entity', 'add', 'x', '--name', 'X', '--description', 'Y'])).code).toBe(6);
    expect(
      (await run(['entity', 'add', 'thing', '--name', 'X', '--description', 'Y', '--schema', join(dir, 'nope.json')]))
        .code,
    ).toBe(2);
  });

  it('updates an entity type keeping what is not given', async () => {
    const r = await run(['entity', 'update', 'country', '--icon', 'flag', '--json']);
    expect(r.json<EntityTypeDetail>()).toMatchObject({ icon: 'flag', name: 'Countries', tags: ['geo', 'world'] });
    expect((await run(['entity', 'update', 'country'])).code).toBe(2);
    expect((await run(['entity', 'list', '--quiet'])).stdout).toBe('country\n');
  });

  it('adds a connector: prints id and token once; a webhook is required for timeseries', async () => {
    const missingWebhook = await run([
      'connector',
      'add',
      'country',
      'wikipedia',
      '--name',
      'Wikipedia',
      '--description',
      'Facts',
    ]);
    expect(missingWebhook.code).toBe(6);
    expect(missingWebhook.stderr).toContain('webhook');
    const r = await run([
      'connector',
      'add',
      'country',
      'wikipedia',
      '--name',
      'Wikipedia',
      '--description',
      'Facts',
      '--webhook',
      'http://127.0.0.1:9/hook',
      '--cache',
      '60',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const created = r.json<{ id: string; token: string }>();
    expect(created.id).toMatch(/^[0-9a-f]{40}$/);
    expect(created.token).toMatch(/^contributor\./);
    const human = await run([
      'connector',
      'add',
      'country',
      'wiki-two',
      '--name',
      'Two',
      '--description',
      'Second',
      '--webhook',
      'http://127.0.0.1:9/x',
    ]);
    expect(human.stdout).toContain('Contributor token');
    expect(human.stdout).toContain('shown only this once');
    expect(normalise(human.stdout)).toMatchSnapshot();
    const quiet = await run([
      'connector',
      'add',
      'country',
      'wiki-three',
      '--name',
      'Three',
      '--description',
      'Third',
      '--webhook',
      'http://127.0.0.1:9/y',
      '--quiet',
    ]);
    const [id, token] = quiet.stdout.trim().split('\n');
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(token).toMatch(/^contributor\./);
  });

  it('shows, lists, promotes, stages, updates and removes connectors', async () => {
    expect((await run(['connector', 'list', 'country', '--quiet'])).stdout).toBe('wiki-three\nwiki-two\nwikipedia\n');
    expect(
      (await run(['connector', 'list', '--json'])).json<{ entity: string }[]>().every((c) => c.entity === 'country'),
    ).toBe(true);
    const live = await run(['connector', 'live', 'country', 'wikipedia']);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('is live');
    expect((await run(['connector', 'show', 'country', 'wikipedia', '--json'])).json<ConnectorDetail>()).toMatchObject({
      is_live: true,
      cache: 60,
    });
    expect((await run(['connector', 'stage', 'country', 'wikipedia', '--json'])).json()).toEqual({
      id: 'wikipedia',
      is_live: false,
    });
    const updated = await run(['connector', 'update', 'country', 'wikipedia', '--description', 'More facts', '--json']);
    expect(updated.json<ConnectorDetail>()).toMatchObject({
      name: 'Wikipedia',
      description: 'More facts',
      webhook: 'http://127.0.0.1:9/hook',
      cache: 60,
    });
    const health = await run(['connector', 'health', 'country', 'wikipedia', '--json']);
    expect(health.json()).toMatchObject({ id: 'wikipedia', webhook: 'http://127.0.0.1:9/hook', calls: 0, failures: 0 });
    expect((await run(['connector', 'rm', 'country', 'wiki-three'])).code).toBe(0);
    expect((await run(['connector', 'show', 'country', 'wiki-three'])).code).toBe(3);
    expect((await run(['connector', 'live', 'nowhere', 'wikipedia'])).code).toBe(3);
  });
});

describe('bbk policy, access', () => {
  it('adds policies from JSON and YAML files', async () => {
    const r = await run(['policy', 'add', 'over-a-billion', '--file', join(dir, 'policy.json'), '--json']);
    expect(r.code).toBe(0);
    expect(r.json<PolicyDetail>()).toMatchObject({ id: 'over-a-billion', policy: policyBody.policy });
    const yaml = await run(['policy', 'add', 'europe', '--file', join(dir, 'policy.yaml'), '--tags', 'eu', '--json']);
    expect(yaml.json<PolicyDetail>()).toMatchObject({ id: 'europe', name: 'Europe', tags: ['eu'] });
    expect(normalise((await run(['policy', 'show', 'over-a-billion'])).stdout)).toMatchSnapshot();
    expect((await run(['policy', 'list', '--quiet'])).stdout).toBe('europe\nover-a-billion\n');
  });

  it('reports every problem of an invalid policy file (exit 6), and needs a file without a terminal (exit 2)', async () => {
    const bad = await run(['policy', 'add', 'bad', '--file', join(dir, 'bad-policy.json'), '--json']);
    expect(bad.code).toBe(6);
    const names = bad.errorJson().error.items?.map((i) => i.name);
    expect(names).toContain('description');
    expect(names).toContain('policy.access_control');
    const none = await run(['policy', 'add', 'wizard']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing required value: --file');
  });

  it('updates name/description/tags keeping the policy body', async () => {
    const r = await run(['policy', 'update', 'europe', '--description', 'Europe only', '--json']);
    expect(r.json<PolicyDetail>()).toMatchObject({
      name: 'Europe',
      description: 'Europe only',
      policy: { access_control: { enabled: false } },
    });
  });

  it('grants, lists, reissues and revokes accesses', async () => {
    const grant = await run(['access', 'grant', '2', 'over-a-billion', '--json']);
    expect(grant.code).toBe(0);
    const { token } = grant.json<{ token: string }>();
    expect(token).toMatch(/^consumer\./);
    expect(Object.keys(grant.json() as object)).toEqual(['token']);
    expect((await run(['access', 'grant', '2', 'over-a-billion'])).code).toBe(5);
    expect((await run(['access', 'grant', '2', 'nope'])).code).toBe(3);
    expect((await run(['access', 'list', '2', '--quiet'])).stdout).toBe('over-a-billion\n');
    const reissued = await run(['access', 'reissue', '2', 'over-a-billion', '--quiet']);
    expect(reissued.stdout.trim()).toMatch(/^consumer\./);
    expect(reissued.stdout.trim()).not.toBe(token);
    expect((await run(['access', 'revoke', '2', 'over-a-billion'])).code).toBe(0);
    expect((await run(['access', 'revoke', '2', 'over-a-billion'])).code).toBe(3);
  });

  it('removes a policy, an entity type and a user', async () => {
    expect((await run(['policy', 'rm', 'europe', '--json'])).json()).toEqual({ id: 'europe', deleted: true });
    expect((await run(['policy', 'show', 'europe'])).code).toBe(3);
    expect((await run(['entity', 'rm', 'country'])).code).toBe(0);
    expect((await run(['connector', 'list', 'country'])).code).toBe(3);
    expect((await run(['user', 'rm', '2'])).code).toBe(0);
    expect((await run(['user', 'show', '2'])).code).toBe(3);
  });
});
