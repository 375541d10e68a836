// A full disk under a running SQLite server (docs/OPERATIONS.md, "A full disk"): writes answer 507 in the standard
// body and write nothing, reads go on, and once room is made the same process writes again and closes cleanly.
// The data directory is a 3 MB tmpfs, so this needs root (CI runs as root); elsewhere it is skipped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { TEST_ENGINE } from './harness.js';

/** Whether this process may mount a tmpfs (root, and a kernel or container that allows it); scripts/test.mjs says once when not. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'bbk-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const root = canMountTmpfs();

describe.skipIf(!root || TEST_ENGINE === 'postgres')('a full disk (SQLite)', () => {
  const mount = mkdtempSync(join(tmpdir(), 'bbk-full-'));
  const ballast = join(mount, 'ballast');
  let server: RunningServer | undefined;
  let mounted = false;

  beforeAll(() => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
    mounted = true;
    // room to give back once the disk is full
    writeFileSync(ballast, Buffer.alloc(768 * 1024, 1));
  });

  afterAll(async () => {
    await server?.close();
    if (mounted) execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  const call = async (url: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  it('answers writes 507 and writes nothing, serves reads, and writes again once there is room', async () => {
    server = await startServer({
      mode: 'development',
      dataDir: join(mount, 'data'),
      coordinatorPort: 0,
      contributorPort: 0,
      consumerPort: 0,
    });
    const { coordinator, contributor, consumer } = server.urls;
    expect(
      (await call(`${coordinator}/entity/country`, 'POST', { name: 'Countries', description: 'all' })).status,
    ).toBe(201);
    const created = await call(`${coordinator}/entity/country/connector/filler`, 'POST', {
      name: 'F',
      description: 'F',
    });
    const cid = (created.body as { id: string }).id;
    await call(`${coordinator}/entity/country/connector/filler/live`, 'POST');
    const policy = { data_segment: { segment_query: { type: 'country' } }, legal_context: [] };
    const access_control = { enabled: false };
    await call(`${coordinator}/policy/everything`, 'POST', {
      name: 'All',
      description: 'All',
      policy: { ...policy, access_control },
    });

    const sid = (await call(`${contributor}/connector/${cid}/session/open/stream`)).body as string;
    const full = { error: { code: 507, status: 'Insufficient Storage', message: expect.any(String) } };
    let stored = 0;
    let refused: { status: number; body: unknown } | undefined;
    for (let batch = 0; batch < 200 && !refused; batch++) {
      const records = Array.from({ length: 250 }, (_, i) => ({
        id: `r${batch}-${i}`,
        name: `Record ${batch}-${i}`,
        entity: { pad: 'x'.repeat(300), n: i },
      }));
      const answer = await call(`${contributor}/connector/${cid}/session/${sid}/upsert`, 'POST', records);
      if (answer.status === 200) stored += records.length;
      else refused = answer;
    }
    expect(refused).toEqual({ status: 507, body: full });
    const audience = { 'x-bbk-audience': 'everything' };
    const count = async () => {
      let n = 0;
      for (let offset = 0; ; offset += 250) {
        const page = await call(`${consumer}/entity/country?limit=250&offset=${offset}`, 'GET', undefined, audience);
        expect(page.status).toBe(200);
        n += (page.body as unknown[]).length;
        if ((page.body as unknown[]).length < 250) return n;
      }
    };
    // reads go on, and the refused call wrote none of its records
    expect(await count()).toBe(stored);
    const coordinatorWrite = await call(`${coordinator}/entity/place`, 'POST', { name: 'Places', description: 'all' });
    expect([201, 507]).toContain(coordinatorWrite.status);
    if (coordinatorWrite.status === 507) expect(coordinatorWrite.body).toEqual(full);

    rmSync(ballast);
    const more = await call(`${contributor}/connector/${cid}/session/${sid}/upsert`, 'POST', [
      { id: 'after', name: 'After', entity: { n: 1 } },
    ]);
    expect(more.status).toBe(200);
    expect(await count()).toBe(stored + 1);
    await server.close();
    server = undefined;
  });
});
