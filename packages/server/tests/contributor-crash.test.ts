import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ContributorClient, CoordinatorClient } from '@bbk/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { rec } from './contributor-setup.js';
import { TEST_ENGINE } from './harness.js';

type Urls = { coordinator: string; contributor: string; consumer: string };

const fixture = fileURLToPath(new URL('./fixtures/contributor-server.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bbk-crash-'));
const children: ChildProcess[] = [];

/** Starts the server in a child process on `dir` and waits for its URLs. */
async function spawnServer(): Promise<{ child: ChildProcess; urls: Urls }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, urls: JSON.parse(line) as Urls };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) await kill(c);
  rmSync(dir, { recursive: true, force: true });
});

// a server process on a SQLite data directory, killed and reopened; PostgreSQL's own crash safety is not bbk's to test
describe.skipIf(TEST_ENGINE === 'postgres')('crash recovery', () => {
  it('after SIGKILL mid accrue and replace sessions: committed state only, sessions can be continued or rolled back', async () => {
    let { child, urls } = await spawnServer();
    let coord = new CoordinatorClient({ baseUrl: urls.coordinator });
    let contrib = new ContributorClient({ baseUrl: urls.contributor });
    await coord.entityTypes.create('country', { name: 'Countries', description: 'All', schema: {}, timeseries: {} });
    const accrue = await coord.connectors.create('country', 'accrue-conn', { name: 'A', description: 'A' });
    const replace = await coord.connectors.create('country', 'replace-conn', { name: 'R', description: 'R' });

    // committed baseline for both connectors
    await contrib.contribute(accrue.id, 'accrue', [rec('a1'), rec('a2')]);
    await contrib.contribute(replace.id, 'replace', [rec('r1'), rec('r2')]);
    // open sessions with pending work, then crash
    const sa = await contrib.openSession(accrue.id, 'accrue');
    await contrib.upsert(accrue.id, sa, [rec('a3'), rec('a1', { area: 1 })]);
    const sr = await contrib.openSession(replace.id, 'replace');
    await contrib.upsert(replace.id, sr, [rec('r9')]);
    await contrib.close();
    await coord.close();
    await kill(child);

    const view = SqliteStore.open(dir);
    try {
      const a = (await view.records.target(accrue.id))!;
      const r = (await view.records.target(replace.id))!;
      expect((await view.records.list(a.connectorId)).map((x) => x.vendorId)).toEqual(['a1', 'a2']);
      expect((await view.records.get(a.connectorId, 'a1'))!.doc.entity).toEqual({ code: 'AA' });
      expect((await view.records.list(r.connectorId)).map((x) => x.vendorId)).toEqual(['r1', 'r2']);
      expect(a.session).toEqual({ id: sa, mode: 'accrue' });
      expect(r.session).toEqual({ id: sr, mode: 'replace' });
    } finally {
      await view.close();
    }

    ({ child, urls } = await spawnServer());
    coord = new CoordinatorClient({ baseUrl: urls.coordinator });
    contrib = new ContributorClient({ baseUrl: urls.contributor });
    try {
      expect((await coord.connectors.get('country', 'accrue-conn')).in_session).toBe(true);
      // continue the accrue session with the same id, then commit
      await contrib.upsert(accrue.id, sa, [rec('a4')]);
      await contrib.closeSession(accrue.id, sa, true);
      // roll the replace session back
      await contrib.closeSession(replace.id, sr, false);
    } finally {
      await contrib.close();
      await coord.close();
    }
    await kill(child);

    const after = SqliteStore.open(dir);
    try {
      const a = (await after.records.target(accrue.id))!;
      const r = (await after.records.target(replace.id))!;
      expect((await after.records.list(a.connectorId)).map((x) => x.vendorId)).toEqual(['a1', 'a2', 'a3', 'a4']);
      expect((await after.records.get(a.connectorId, 'a1'))!.doc.entity).toEqual({ code: 'AA', area: 1 });
      expect((await after.records.list(r.connectorId)).map((x) => x.vendorId)).toEqual(['r1', 'r2']);
      expect(a.session).toBeUndefined();
      expect(r.session).toBeUndefined();
    } finally {
      await after.close();
    }
  });
});
