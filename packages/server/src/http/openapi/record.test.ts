import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD_ENV, type RecordedResponse, recordResponses } from './record.js';

const outer = process.env[RECORD_ENV];
const dir = mkdtempSync(join(tmpdir(), 'bbk-record-'));
afterEach(() => {
  if (outer === undefined) delete process.env[RECORD_ENV];
  else process.env[RECORD_ENV] = outer;
  rmSync(dir, { recursive: true, force: true });
});

async function app(env: string | undefined) {
  if (env === undefined) delete process.env[RECORD_ENV];
  else process.env[RECORD_ENV] = env;
  const a = Fastify();
  recordResponses(a, 'consumer', 'v1');
  a.get('/v1/entity/:type', async (_req, reply) => reply.header('etag', 'W/"x"').send([{ id: 'a' }]));
  await a.ready();
  return a;
}

describe('recordResponses', () => {
  it('appends each answer to <dir>/<pid>.jsonl: route pattern, status, type, declared headers, body', async () => {
    const a = await app(join(dir, 'rec'));
    await a.inject({ method: 'GET', url: '/v1/entity/country' });
    await a.inject({ method: 'GET', url: '/v1/nothing' });
    await a.close();
    const lines = readFileSync(join(dir, 'rec', `${process.pid}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const [ok, missing] = lines.map((l) => JSON.parse(l) as RecordedResponse);
    expect(ok).toEqual({
      surface: 'consumer',
      basePath: 'v1',
      method: 'GET',
      route: '/v1/entity/:type',
      status: 200,
      contentType: 'application/json; charset=utf-8',
      headers: { etag: 'W/"x"' },
      body: '[{"id":"a"}]',
    });
    expect(missing).toMatchObject({ route: null, status: 404 });
  });

  it('registers nothing when the variable is unset or "off"', async () => {
    for (const env of [undefined, 'off']) {
      const a = await app(env);
      await a.inject({ method: 'GET', url: '/v1/entity/country' });
      await a.close();
    }
    expect(existsSync('off')).toBe(false);
  });
});
