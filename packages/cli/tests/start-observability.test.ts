import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bbk, cleanup, spawnBbk, tempDir } from './helpers.js';

interface Ready {
  urls: { coordinator: string; contributor: string; consumer: string; metrics?: string };
  bootstrapToken?: string;
}

const ports = ['--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'];

afterAll(cleanup);

describe('bbk start: logs, metrics, probes', () => {
  it('logs requests to --log-file at info by default, serves --metrics-port, answers probes', async () => {
    const dataDir = tempDir('bbk-obs-');
    const logFile = join(tempDir('bbk-obs-log-'), 'bbk.log');
    const run = spawnBbk([
      'start',
      '--data-dir',
      dataDir,
      ...ports,
      '--log-file',
      logFile,
      '--metrics-port',
      '0',
      '--json',
    ]);
    const ready = JSON.parse((await run.waitFor(/\n/)).split('\n')[0] ?? '') as Ready;
    expect(ready.urls.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const root = ready.urls.coordinator.replace(/\/v1$/, '');
    expect(await (await fetch(`${root}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${root}/readyz`)).status).toBe(200);
    const users = await fetch(`${ready.urls.coordinator}/user`, {
      headers: { 'x-bbk-auth-token': ready.bootstrapToken ?? '', 'x-request-id': 'cli-test-1' },
    });
    expect(users.status).toBe(200);
    const scrape = await (await fetch(ready.urls.metrics ?? '')).text();
    expect(scrape).toMatch(
      /bbk_http_request_duration_seconds_count\{api="coordinator",method="GET",route="\/v1\/user",status="200"\} 1/,
    );
    run.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);

    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.reqId === 'cli-test-1')).toMatchObject({
      msg: 'request',
      route: '/v1/user',
      status: 200,
      callerKind: 'coordinator',
      callerId: 1,
    });
    const secret = (ready.bootstrapToken ?? '').split('.')[2] ?? '';
    expect(secret).not.toBe('');
    expect(readFileSync(logFile, 'utf8')).not.toContain(secret);
  });

  it('rejects an unknown log level as a usage error', async () => {
    const r = await bbk(['start', '--data-dir', tempDir('bbk-obs-'), ...ports, '--log-level', 'loud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/log level must be one of/);
  });

  it('refuses a log file it cannot write as a usage error, before it starts anything', async () => {
    const data = tempDir('bbk-obs-');
    const file = join(data, 'a-file');
    writeFileSync(file, 'not a directory');
    for (const bad of [join(file, 'x.log'), data]) {
      const r = await bbk(['start', '--data-dir', join(data, 'never'), ...ports, '--log-file', bad, '--json']);
      expect(r.code, bad).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`cannot write the log file ${bad}`);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    // nothing was created for it: no data directory, no bootstrap token burnt
    expect(existsSync(join(data, 'never'))).toBe(false);
  });
});
