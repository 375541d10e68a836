// docs/DEPLOY.md's setup, run as it is: scripts/deploy-demo.sh starts two `bbk start --database …`
// processes on one PostgreSQL schema behind HAProxy with deploy/haproxy.cfg and checks calls
// through the proxy. Skipped without BBK_TEST_DATABASE_URL or without haproxy (scripts/test.mjs
// says which, once; .ci/run installs haproxy as root).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../src/query/testing/postgres.js';
import { createTestSchema } from '../src/storage/postgres/testing/pg-schema.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HAPROXY = spawnSync('haproxy', ['-v']).status === 0;

/** Whether nothing listens on the port of 127.0.0.1. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The first of 9 consecutive free ports (3 for the proxy, 3 for each process). */
async function freeRange(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const ports = Array.from({ length: 9 }, (_, i) => base + i);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
  throw new Error('no 9 consecutive free ports');
}

describe.skipIf(!TEST_DATABASE_URL || !HAPROXY)('deploy demo: two processes behind HAProxy', () => {
  it('scripts/deploy-demo.sh passes every check through the proxy', async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    try {
      const env = {
        ...process.env,
        BBK_DATABASE_URL: TEST_DATABASE_URL,
        BBK_DATABASE_SCHEMA: place.schema,
        BBK_DEMO_PORT: String(await freeRange()),
      };
      const child = spawn('bash', ['scripts/deploy-demo.sh'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += String(d)));
      child.stderr.on('data', (d) => (output += String(d)));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(output).not.toContain('FAIL');
      expect(code, output).toBe(0);
      expect(output).toContain('ok   a quota of 20 counted once across the processes');
      expect(output).toContain('ok   both processes answered');
    } finally {
      await place.drop();
    }
  }, 120_000);
});
