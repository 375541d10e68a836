import { join } from 'node:path';
import { CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/tests/harness.js';
import { cleanup, DATA, inPty, serverAndCli, tempDir, urlFlags } from './helpers.js';

let server: TestServer;
let coordinator: CoordinatorClient;
const home = tempDir('bbk-pty-');

beforeAll(async () => {
  ({ server } = await serverAndCli({ mode: 'production' }));
  coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  await coordinator.entityTypes.create('country', { name: 'Countries', description: 'All the countries' });
});

afterAll(async () => {
  await coordinator.close();
  await server.destroy();
  cleanup();
});

const admin = () => [...urlFlags(server), '--token', server.adminToken];

describe('prompts on a terminal', () => {
  it('asks for missing values, and never with --no-input', async () => {
    const r = await inPty(
      ['user', 'add', ...admin()],
      [
        ['User name \\(--name\\)', 'Bob\r'],
        ['Email address \\(--email\\)', 'not-an-email\r'],
        ['enter an email address', '\u0015bob@example.org\r'],
        ['Organization \\(--organization\\)', 'Builders\r'],
      ],
    );
    expect(r.error).toBeNull();
    expect(r.code).toBe(0);
    expect(r.output).toContain('User 2');
    expect((await coordinator.users.get(2)).email).toBe('bob@example.org');
    const never = await inPty(['user', 'add', '--no-input', ...admin()], []);
    expect(never.code).toBe(2);
    expect(never.output).toContain('missing required value: --name');
  });

  it('exits 130 when a prompt is cancelled with Ctrl+C', async () => {
    const r = await inPty(['user', 'add', ...admin()], [['User name', '\u0003']]);
    expect(r.code).toBe(130);
  });

  it('asks for a login token without echoing it', async () => {
    const r = await inPty(
      ['login', 'coordinator', '--url', server.urls.coordinator],
      [['Coordinator token \\(--token\\)', `${server.adminToken}\r`]],
      { BBK_CONFIG: join(home, 'config.json') },
    );
    expect(r.code).toBe(0);
    expect(r.output).toContain('Logged in to the coordinator API');
    expect(r.output).not.toContain(server.adminToken);
  });

  it('builds a policy with the wizard, validating answers as it goes', async () => {
    const down = '\u001b[B';
    const r = await inPty(
      ['policy', 'add', 'europe', ...admin()],
      [
        ['Name', 'Europe\r'],
        ['Description', 'European countries\r'],
        ['Tags', 'eu, europe\r'],
        ['Segment query', '\r'],
        ['Entity types to share', ' \r'],
        ['Condition', 'entity.continent Europe\r'],
        ['expected PATH OP VALUE', '\u0015entity.continent == Europe\r'],
        ['unknown operator "=="; use one of =', '\u0015entity.continent=Europe\r'],
        ['Condition', '\r'],
        ['Field masks', 'capital\r'],
        ['not a field mask', '\u0015country.entity.capital\r'],
        ['Limit consumers', 'y\r'],
        ['per second', 'ten\r'],
        ['whole number', '\u001510\r'],
        ['per day or month', '\r'],
        ['Add a legal notice', 'y\r'],
        ['Kind of notice', `${down}${down}\r`],
        ['Text', 'CC-BY 4.0\r'],
        ['Link', 'ftp://example.org\r'],
        ['starts with http', '\u0015https://creativecommons.org/licenses/by/4.0/\r'],
        ['Add a legal notice', 'n\r'],
        ['Create policy europe as shown', '\r'],
      ],
    );
    expect(r.error).toBeNull();
    expect(r.code).toBe(0);
    const stored = await coordinator.policies.get('europe');
    expect(stored).toMatchObject({
      name: 'Europe',
      description: 'European countries',
      tags: ['eu', 'europe'],
      policy: {
        access_control: { enabled: true, rate: 10 },
        data_segment: {
          segment_query: { type: 'country', 'entity.continent': 'Europe' },
          field_masks: ['country.entity.capital'],
        },
        legal_context: [{ type: 'license', text: 'CC-BY 4.0', link: 'https://creativecommons.org/licenses/by/4.0/' }],
      },
    });
    expect(stored.policy.access_control.quota).toBeUndefined();
  });

  it('shows a progress bar while pushing', async () => {
    const { id, token } = await coordinator.connectors.create('country', 'wikipedia', {
      name: 'Wikipedia',
      description: 'Facts',
    });
    const r = await inPty(
      [
        'push',
        join(DATA, 'country.json'),
        '--connector',
        id,
        '--batch-size',
        '40',
        ...urlFlags(server),
        '--token',
        token,
      ],
      [],
    );
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/Pushing [█░]+\s+20%\s+40\/199/);
    expect(r.output).toMatch(/Pushing █+\s+100%\s+199\/199/);
    expect(r.output).toContain('Pushed 199 records');
  });
});
