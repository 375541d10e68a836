import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DUMP_TABLES, type DumpCounts, type DumpItem } from '../dump.js';
import { BundleError, readBundle, writeBundle } from './format.js';

const dir = mkdtempSync(join(tmpdir(), 'bbk-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;

/** A bundle of `n` meta rows whose values are JSON text, as stores keep documents. */
async function bundleOf(n: number): Promise<string> {
  const counts = Object.fromEntries(DUMP_TABLES.map((t) => [t, t === 'meta' ? n : 0])) as DumpCounts;
  async function* items(): AsyncGenerator<DumpItem> {
    yield { t: 'start', engine: 'sqlite', counts, openSessions: 0 };
    for (let i = 0; i < n; i++) yield { t: 'meta', key: `k${i}`, value: JSON.stringify({ i, list: [i, i + 1] }) };
  }
  const file = join(dir, `bundle-${++written}.bbk.gz`);
  await writeBundle(file, items());
  return file;
}

/** Reads a bundle to the end; resolves to the items read before it failed, and the failure. */
async function readAll(file: string): Promise<{ items: DumpItem[]; error: unknown }> {
  const items: DumpItem[] = [];
  try {
    for await (const item of readBundle(file)) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

describe('bundle files', () => {
  it('read back what was written', async () => {
    const { items, error } = await readAll(await bundleOf(50));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(51);
    expect(items[50]).toEqual({ t: 'meta', key: 'k49', value: '{"i":49,"list":[49,50]}' });
  });

  it('a flipped byte anywhere is "damaged" before the first item, never a row the loader chokes on', async () => {
    const file = await bundleOf(500);
    const bytes = readFileSync(file);
    // past gzip's 10-byte header (a flip there is "not gzip data" or "damaged", also before the first item)
    for (let k = 1; k <= 24; k++) {
      const at = 10 + Math.floor(((bytes.length - 10) * k) / 25);
      const flipped = join(dir, `flip-${k}.bbk.gz`);
      writeFileSync(flipped, Buffer.from(bytes.map((b, i) => (i === at ? b ^ 0xff : b))));
      const { items, error } = await readAll(flipped);
      expect([at, items.length], `flip at byte ${at} of ${bytes.length}`).toEqual([at, 0]);
      expect(error).toBeInstanceOf(BundleError);
      expect((error as BundleError).code).toBe('CORRUPT');
    }
  });

  it('a cut bundle is "damaged" before the first item', async () => {
    const file = await bundleOf(500);
    const bytes = readFileSync(file);
    writeFileSync(join(dir, 'cut.bbk.gz'), bytes.subarray(0, bytes.length - 9));
    const { items, error } = await readAll(join(dir, 'cut.bbk.gz'));
    expect(items).toHaveLength(0);
    expect((error as BundleError).message).toBe('the bundle is damaged');
  });
});
