import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type ConsumerEnv, consumerEnv, startWebhook, type TestWebhook } from '../../server/tests/consumer-setup.js';
import { bbk, cleanup, type Run, urlFlags } from './helpers.js';

/**
 * Issue 14's sharp edges, each against a real development server through the built `bbk`: unknown `--where`
 * operators, `--all` under a rate limit, a failing webhook vs an empty series, ids in narrow tables, `-o` and
 * `--fields`.
 */

let env: ConsumerEnv;
let hook: TestWebhook;
/** What the webhook answers to timeseries calls. */
let series: 'points' | 'empty' | 'fail' = 'points';
const LONG = 'A very long record name that no narrow terminal could ever show in full, cut or not';
const ids: string[] = [];

const run = (args: string[], extra: Record<string, string> = {}): Promise<Run> =>
  bbk([...args, ...urlFlags(env.server)], { env: extra });

beforeAll(async () => {
  env = await consumerEnv({ mode: 'development' });
  hook = await startWebhook((url) => {
    if (!url.pathname.startsWith('/hook/timeseries/')) return { status: 404, body: {} };
    if (series === 'fail') return { status: 500, body: { error: 'down' } };
    if (series === 'empty') return { body: [] };
    return { body: [{ from: '2020-01-01T00:00:00.000Z', value: 42 }] };
  });
  await env.entityType('thing', { timeseries: { level: { period: 'P1D', value: 'level', unit: 'm' } } });
  const c = await env.connector('thing', 'things', { webhook: hook.url });
  const records = Array.from({ length: 7 }, (_, i) => ({
    id: `t${i}`,
    name: i === 0 ? LONG : `Thing ${i}`,
    entity: { level: i, capital: i === 3 ? 'Paris' : 'Elsewhere' },
  }));
  await env.upsert(c, records);
  await env.policy('all', { segment: { type: 'thing' } });
  await env.policy('rate2', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 2 } });
  for await (const item of env.consumer({ audience: 'all' }).entitiesAll('thing')) ids.push(item.id);
}, 60_000);

afterAll(async () => {
  await hook.close();
  await env.close();
  cleanup();
});

describe('--where', () => {
  it('refuses an unknown operator, naming the accepted ones (exit 2), instead of finding nothing', async () => {
    const r = await run([
      'catalog',
      'query',
      '--type',
      'thing',
      '--where',
      'entity.capital == Paris',
      '--audience',
      'all',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown operator "=="; use one of = != > >= < <= ~ ~* in nin');
    expect(r.stdout).toBe('');
    const ok = await run([
      'catalog',
      'query',
      '--type',
      'thing',
      '--where',
      'entity.capital = Paris',
      '--audience',
      'all',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.json<{ name: string }[]>().map((i) => i.name)).toEqual(['Thing 3']);
  });
});

describe('--all under a rate limit (2 calls a second)', () => {
  it('waits out each 429 (Retry-After) and prints everything (one item a page: more calls than a second allows)', async () => {
    const r = await run(['entity', 'get', 'thing', '--all', '--limit', '1', '--audience', 'rate2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<{ id: string }[]>().map((i) => i.id)).toEqual(ids);
    expect(r.stderr).toMatch(/rate limited \(429\); waiting \d+(\.\d)? s, retry 1/);
  }, 30_000);

  it('for people: one table, the header once, every row', async () => {
    const r = await run(['catalog', 'query', '--type', 'thing', '--all', '--limit', '2', '--audience', 'rate2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ID '))).toHaveLength(1);
    for (const id of ids) expect(r.stdout).toContain(id);
  }, 30_000);

  it('without retries (BBK_RETRY_MAX=0) keeps what it printed: a closed JSON array, exit 7', async () => {
    const r = await run(['entity', 'get', 'thing', '--all', '--limit', '1', '--audience', 'rate2', '--json'], {
      BBK_RETRY_MAX: '0',
    });
    expect(r.code).toBe(7);
    const printed = r.json<{ id: string }[]>();
    expect(printed.length).toBeLessThan(ids.length);
    expect(printed.map((i) => i.id)).toEqual(ids.slice(0, printed.length));
    expect(r.errorJson().error.status).toBe(429);
  }, 30_000);
});

describe('timeseries: a failing webhook is not an empty series', () => {
  it('the server says which with x-bbk-webhook, and the SDK passes it on', async () => {
    const consumer = env.consumer({ audience: 'all' });
    series = 'points';
    expect(await consumer.timeseriesPage('thing', ids[1] ?? '', 'level')).toEqual({
      points: [{ from: '2020-01-01T00:00:00.000Z', value: 42 }],
      webhook: 'ok',
    });
    series = 'fail';
    expect(await consumer.timeseriesPage('thing', ids[1] ?? '', 'level')).toEqual({ points: [], webhook: 'failed' });
    series = 'empty';
    expect(await consumer.timeseriesPage('thing', ids[1] ?? '', 'level')).toEqual({ points: [], webhook: 'ok' });
  });

  it('bbk says the webhook failed and exits 1; an empty series still exits 0', async () => {
    series = 'fail';
    const failed = await run(['timeseries', 'get', 'thing', ids[1] ?? '', 'level', '--audience', 'all']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("the connector's webhook failed to answer");
    expect(failed.stdout).not.toContain('No points');
    const all = await run([
      'timeseries',
      'get',
      'thing',
      ids[1] ?? '',
      'level',
      '--all',
      '--audience',
      'all',
      '--json',
    ]);
    expect(all.code).toBe(1);
    expect(all.json()).toEqual([]);
    series = 'empty';
    const empty = await run(['timeseries', 'get', 'thing', ids[1] ?? '', 'level', '--audience', 'all']);
    expect([empty.code, empty.stdout.trim()]).toEqual([0, 'No points in this range.']);
  });
});

describe('output', () => {
  it('never cuts an id, however narrow the terminal', async () => {
    const r = await bbk(['entity', 'get', 'thing', '--audience', 'all', ...urlFlags(env.server)], {
      env: { COLUMNS: '40' },
    });
    expect(r.code).toBe(0);
    for (const id of ids) expect(r.stdout).toContain(id);
    expect(r.stdout).toContain('…');
    expect(r.stdout).not.toContain(LONG);
  });

  it('-o wide cuts nothing', async () => {
    const r = await run(['entity', 'get', 'thing', '--audience', 'all', '-o', 'wide']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(LONG);
    expect(r.stdout).not.toContain('…');
  });

  it('-o yaml prints the JSON data as YAML; -o json is --json', async () => {
    const json = await run(['entity', 'get', 'thing', '--audience', 'all', '--json']);
    const yaml = await run(['entity', 'get', 'thing', '--audience', 'all', '-o', 'yaml']);
    const oJson = await run(['entity', 'get', 'thing', '--audience', 'all', '-o', 'json']);
    expect(yaml.code).toBe(0);
    expect(parseYaml(yaml.stdout)).toEqual(json.json());
    expect(oJson.stdout).toBe(json.stdout);
    const allYaml = await run(['entity', 'get', 'thing', '--all', '--limit', '3', '--audience', 'all', '-o', 'yaml']);
    expect(parseYaml(allYaml.stdout)).toEqual(json.json());
  });

  it('--fields keeps the named (dotted) fields, in JSON, YAML and tables', async () => {
    const r = await run(['entity', 'get', 'thing', '--audience', 'all', '--json', '--fields', 'id,type']);
    expect(r.json()).toEqual(ids.map((id) => ({ id, type: 'thing' })));
    const all = await run(['entity', 'get', 'thing', '--all', '--audience', 'all', '--json', '--fields', 'id,name']);
    expect(all.json<object[]>().map((item) => Object.keys(item).join())).toEqual(ids.map(() => 'id,name'));
    const one = await run([
      'entity',
      'get',
      'thing',
      ids[3] ?? '',
      '--audience',
      'all',
      '-o',
      'yaml',
      '--fields',
      'name,entity.capital,entity.nope',
    ]);
    expect(parseYaml(one.stdout)).toEqual({ name: 'Thing 3', 'entity.capital': 'Paris', 'entity.nope': null });
    const table = await run([
      'entity',
      'get',
      'thing',
      ids[3] ?? '',
      '--audience',
      'all',
      '--fields',
      'id,entity.capital',
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+ENTITY\.CAPITAL$/);
    expect(table.stdout).toContain('Paris');
  });

  it('refuses contradictory output flags (exit 2)', async () => {
    const r = await run(['entity', 'get', 'thing', '--audience', 'all', '--json', '-o', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('use either --json or -o yaml');
  });
});

describe('--json output of a streamed list is the same text as a collected one', () => {
  it('matches JSON.stringify(all, null, 2)', async () => {
    const r = await run([
      'catalog',
      'query',
      '--type',
      'thing',
      '--all',
      '--limit',
      '3',
      '--audience',
      'all',
      '--json',
    ]);
    expect(r.stdout).toBe(`${JSON.stringify(r.json(), null, 2)}\n`);
    const none = await run(['catalog', 'query', '--type', 'nothing', '--all', '--audience', 'all', '--json']);
    expect(none.stdout).toBe('[]\n');
  });
});

describe('the bin entry is tiny; the command table lives next to each command', () => {
  it('cli.ts has no command definitions', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'src', 'cli.ts'), 'utf8');
    expect(text.split('\n').length).toBeLessThan(25);
    expect(text).not.toContain('.command(');
  });
});

describe('BBK_TIMEOUT_MS is read like a flag', () => {
  it('anything but whole milliseconds (1 to an hour) is a usage error, as JSON with --json', async () => {
    for (const bad of ['1.5', 'abc', '0', '1e99', '-5']) {
      const r = await run(['catalog', 'query', '--type', 'thing', '--audience', 'all', '--json'], {
        BBK_TIMEOUT_MS: bad,
      });
      expect(r.code, bad).toBe(2);
      expect(r.errorJson().error.message).toContain('BBK_TIMEOUT_MS');
    }
    expect(
      (await run(['catalog', 'query', '--type', 'thing', '--audience', 'all', '--json'], { BBK_TIMEOUT_MS: '5000' }))
        .code,
    ).toBe(0);
  });
});
