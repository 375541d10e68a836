import { describe, expect, it } from 'vitest';
import {
  type AuditDraft,
  type ChainEntry,
  ChainVerifier,
  canonicalJson,
  entryHash,
  GENESIS,
  type StoredEntry,
  seal,
} from './chain.js';

const draft = (n: number): AuditDraft => ({
  actor: 'coordinator:1',
  action: 'user.create',
  target: `user:${n}`,
  detail: { after: { name: `u${n}`, addendum: { z: 1, a: [1, { y: 2, b: 3 }] } } },
});

function chain(n: number): ChainEntry[] {
  const out: ChainEntry[] = [];
  for (let i = 1; i <= n; i++) out.push(seal(draft(i), out.at(-1), `2024-01-01T00:00:0${i % 10}.000Z`));
  return out;
}

const stored = (e: ChainEntry): StoredEntry => ({ ...e, detail: JSON.stringify(e.detail) });

function verify(entries: StoredEntry[], head = entries.at(-1)) {
  const v = new ChainVerifier();
  for (const e of entries) if (v.push(e)) break;
  return v.finish(head && { seq: head.seq, hash: head.hash });
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });
  it('gives the same text for the same value whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: 'é' })).toBe(canonicalJson({ y: 'é', x: 1 }));
  });
  it('writes scalars as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson([undefined, 1.5])).toBe('[null,1.5]');
  });
});

describe('seal and entryHash', () => {
  it('links the first entry to the genesis hash and each next one to the one before', () => {
    const [a, b] = chain(2) as [ChainEntry, ChainEntry];
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS);
    expect(GENESIS).toMatch(/^0{64}$/);
    expect(b.seq).toBe(2);
    expect(b.prevHash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('changes when any hashed field changes', () => {
    const [a] = chain(1) as [ChainEntry];
    const variants = [
      { ...a, seq: 2 },
      { ...a, at: '2024-01-01T00:00:00.001Z' },
      { ...a, actor: 'system' },
      { ...a, action: 'user.update' },
      { ...a, target: 'user:9' },
      { ...a, detail: { after: { name: 'x' } } },
      { ...a, prevHash: 'f'.repeat(64) },
    ];
    for (const v of variants) expect(entryHash(v)).not.toBe(a.hash);
    expect(entryHash({ ...a, detail: JSON.parse(JSON.stringify(a.detail)) })).toBe(a.hash);
  });
});

describe('ChainVerifier', () => {
  it('finds an intact chain intact and reports its head', () => {
    const entries = chain(5).map(stored);
    expect(verify(entries)).toEqual({ intact: true, entries: 5, head: entries[4]!.hash });
  });
  it('finds an empty log intact', () => {
    expect(verify([], undefined)).toEqual({ intact: true, entries: 0, head: GENESIS });
  });
  it('reports an edited detail as a hash mismatch at that entry', () => {
    const entries = chain(5).map(stored);
    entries[2] = { ...entries[2]!, detail: '{"after":{"name":"mallory"}}' };
    expect(verify(entries)).toEqual({ intact: false, entries: 2, broken: { seq: 3, reason: 'hash mismatch' } });
  });
  it('reports unparseable detail as a hash mismatch', () => {
    const entries = chain(2).map(stored);
    entries[0] = { ...entries[0]!, detail: 'not json' };
    expect(verify(entries)).toMatchObject({ intact: false, broken: { seq: 1, reason: 'hash mismatch' } });
  });
  it('reports a rehashed edit as a broken link at the next entry', () => {
    const entries = chain(4);
    const forged = { ...entries[1]!, actor: 'system' };
    entries[1] = { ...forged, hash: entryHash(forged) };
    expect(verify(entries.map(stored))).toMatchObject({ broken: { seq: 3, reason: 'prev link broken' } });
  });
  it('reports a removed entry as a gap naming the missing seq', () => {
    const entries = chain(5).map(stored);
    entries.splice(1, 1);
    expect(verify(entries)).toMatchObject({ intact: false, entries: 1, broken: { seq: 2, reason: 'gap in seq' } });
  });
  it('reports two swapped entries (contents exchanged, seq kept) at the first of them', () => {
    const entries = chain(5).map(stored);
    const [c, d] = [entries[2]!, entries[3]!];
    entries[2] = { ...d, seq: 3 };
    entries[3] = { ...c, seq: 4 };
    expect(verify(entries)).toMatchObject({ broken: { seq: 3, reason: 'prev link broken' } });
  });
  it('reports a removed tail against the recorded head, naming the first missing entry', () => {
    const entries = chain(5).map(stored);
    const head = entries[4]!;
    expect(verify(entries.slice(0, 3), head)).toEqual({
      intact: false,
      entries: 3,
      broken: { seq: 4, reason: 'head mismatch' },
    });
  });
  it('reports a chain with no recorded head as unvouched from its first entry', () => {
    const entries = chain(2).map(stored);
    const v = new ChainVerifier();
    for (const e of entries) v.push(e);
    expect(v.finish(undefined)).toMatchObject({ broken: { seq: 1, reason: 'head mismatch' } });
  });
});
