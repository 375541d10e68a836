import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../store.js';
import { connect, DB_FILE, type Db, openDatabase } from './database.js';
import { WriteGate } from './write-gate.js';

let dir: string;
let db: Db;
let other: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbk-gate-'));
  db = openDatabase(dir);
  db.pragma('busy_timeout = 0');
  db.exec('CREATE TABLE log (what TEXT)');
  other = connect(join(dir, DB_FILE));
  other.pragma('busy_timeout = 0');
});
afterEach(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WriteGate', () => {
  it('a main-connection write waits for the shared calls sent before it; later ones wait for it', async () => {
    const gate = new WriteGate(db);
    const order: string[] = [];
    const shared = (name: string, ms: number) =>
      gate.shared(async () => {
        order.push(`${name} start`);
        await later(ms);
        order.push(`${name} end`);
      });
    const a = shared('a', 30);
    const b = shared('b', 10);
    const w = gate.write(() => {
      order.push('write');
      db.prepare("INSERT INTO log VALUES ('w')").run();
    });
    const c = shared('c', 1);
    await Promise.all([a, b, w, c]);
    expect(order).toEqual(['a start', 'b start', 'b end', 'a end', 'write', 'c start', 'c end']);
  });

  it('runs each write in an IMMEDIATE transaction and returns its value; a throw rolls it back', async () => {
    const gate = new WriteGate(db);
    expect(await gate.write(() => db.prepare("INSERT INTO log VALUES ('x')").run().changes)).toBe(1);
    await expect(
      gate.write(() => {
        db.prepare("INSERT INTO log VALUES ('y')").run();
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(db.prepare('SELECT what FROM log').pluck().all()).toEqual(['x']);
  });

  it('waits off the event loop while another process holds the lock, then writes', async () => {
    const gate = new WriteGate(db, { maxWaitMs: 5000 });
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const write = gate.write(() => db.prepare("INSERT INTO log VALUES ('after')").run());
    await later(150);
    other.exec('COMMIT');
    await write;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(10);
    expect(db.prepare('SELECT what FROM log').pluck().all()).toEqual(['after']);
  });

  it('gives up with StoreUnavailableError when the lock is held past maxWaitMs, writing nothing', async () => {
    const gate = new WriteGate(db, { maxWaitMs: 100 });
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(gate.write(() => db.prepare("INSERT INTO log VALUES ('no')").run())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      other.exec('ROLLBACK');
    }
    expect(db.prepare('SELECT count(*) FROM log').pluck().get()).toBe(0);
    // and the gate goes on serving
    await gate.write(() => db.prepare("INSERT INTO log VALUES ('yes')").run());
    expect(db.prepare('SELECT count(*) FROM log').pluck().get()).toBe(1);
  });
});
