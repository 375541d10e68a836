/**
 * The audit log's hash chain, computed in this one place (docs/AUDIT.md): pure functions, no I/O.
 * Each entry's hash is sha256 over the canonical JSON of (seq, at, actor, action, target, detail,
 * prev_hash), and each entry carries the hash of the one before, so a changed, removed or reordered
 * entry breaks the chain at the first entry it touches.
 */
import { createHash } from 'node:crypto';
import { AUDIT_GENESIS, type AuditBreakReason, type AuditVerdict } from '@bbk/sdk/protocol';

/** `prev_hash` of the first entry. */
export const GENESIS = AUDIT_GENESIS;

/** What an entry says, before it is sealed into the chain. */
export interface AuditDraft {
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

/** The hashed fields of an entry. */
export interface ChainFields extends AuditDraft {
  seq: number;
  at: string;
  prevHash: string;
}

/** An entry as stored: its fields and its hash. */
export interface ChainEntry extends ChainFields {
  hash: string;
}

/** The last entry of a chain: what the next one links to. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code unit, recursively), no whitespace, `undefined`
 * members left out: the same value always gives the same text.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * sha256 (lower-case hex) of an entry's canonical JSON.
 * @example entryHash({ seq: 1, at, actor: 'system', action: 'user.create', target: 'user:1', detail: {}, prevHash: GENESIS })
 */
export function entryHash(f: ChainFields): string {
  const text = canonicalJson({
    seq: f.seq,
    at: f.at,
    actor: f.actor,
    action: f.action,
    target: f.target,
    detail: f.detail,
    prev_hash: f.prevHash,
  });
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Seals a draft as the entry after `head` (undefined for the first entry).
 * @example seal(draft, { seq: 4, hash }, new Date().toISOString()).seq // 5
 */
export function seal(draft: AuditDraft, head: ChainHead | undefined, at: string): ChainEntry {
  const fields: ChainFields = {
    seq: (head?.seq ?? 0) + 1,
    at,
    actor: draft.actor,
    action: draft.action,
    target: draft.target,
    detail: draft.detail,
    prevHash: head?.hash ?? GENESIS,
  };
  return { ...fields, hash: entryHash(fields) };
}

/** An entry as read back for checking: `detail` is the stored JSON text. */
export interface StoredEntry extends Omit<ChainEntry, 'detail'> {
  detail: string;
}

/** Where and why a chain is broken. */
export interface ChainBreak {
  seq: number;
  reason: AuditBreakReason;
}

function detailOf(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a chain fed in `seq` order, entry by entry (so a store can feed it in chunks), and
 * reports the first broken entry: a missing `seq` (`gap in seq`, naming the missing one), a
 * `prev_hash` that is not the previous entry's hash (`prev link broken`), or a hash that does
 * not match the entry's fields (`hash mismatch`). `finish` then compares the last entry with the
 * head the store recorded, which catches a removed tail (`head mismatch`).
 * @example const v = new ChainVerifier(); for (const e of rows) if (v.push(e)) break; v.finish(head)
 */
export class ChainVerifier {
  #last: ChainHead | undefined;
  #count = 0;
  #broken: ChainBreak | undefined;

  /** Checks the next entry; returns the break once one is found (later entries are ignored). */
  push(e: StoredEntry): ChainBreak | undefined {
    if (this.#broken) return this.#broken;
    const expected = (this.#last?.seq ?? 0) + 1;
    if (e.seq !== expected) return this.#fail({ seq: expected, reason: 'gap in seq' });
    if (e.prevHash !== (this.#last?.hash ?? GENESIS)) return this.#fail({ seq: e.seq, reason: 'prev link broken' });
    const detail = detailOf(e.detail);
    if (!detail || entryHash({ ...e, detail }) !== e.hash) return this.#fail({ seq: e.seq, reason: 'hash mismatch' });
    this.#last = { seq: e.seq, hash: e.hash };
    this.#count++;
    return undefined;
  }

  /** The verdict; `head` is the last entry as the store recorded it at append (undefined: none yet). */
  finish(head: ChainHead | undefined): AuditVerdict {
    if (!this.#broken && (head?.seq !== this.#last?.seq || head?.hash !== this.#last?.hash)) {
      const [recorded, found] = [head?.seq ?? 0, this.#last?.seq ?? 0];
      // the first entry the recorded head does not vouch for (a removed tail: the first one missing)
      this.#fail({ seq: recorded === found ? found : Math.min(recorded, found) + 1, reason: 'head mismatch' });
    }
    if (this.#broken) return { intact: false, entries: this.#count, broken: this.#broken };
    return { intact: true, entries: this.#count, head: this.#last?.hash ?? GENESIS };
  }

  #fail(b: ChainBreak): ChainBreak {
    this.#broken = b;
    return b;
  }
}

/**
 * The verdict once the entries after the head are counted: the chain was checked up to the recorded head, and
 * an entry after it (`last`, the highest seq, read in one statement with `head`, the head recorded now) is one no
 * append vouches for: an entry added behind the server's back (`head mismatch`, at the first of them).
 */
export function withTail(verdict: AuditVerdict, last: number | undefined, head: ChainHead | undefined): AuditVerdict {
  if (!verdict.intact || last === undefined || last <= (head?.seq ?? 0)) return verdict;
  return { intact: false, entries: verdict.entries, broken: { seq: (head?.seq ?? 0) + 1, reason: 'head mismatch' } };
}

/** A head as the stores record it (`<seq> <hash>` in `meta`), undefined before the first append. */
export function parseHead(value: string | null | undefined): ChainHead | undefined {
  if (!value) return undefined;
  const [seq, hash] = value.split(' ');
  return { seq: Number(seq), hash: hash ?? '' };
}
