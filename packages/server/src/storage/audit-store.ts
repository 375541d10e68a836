/**
 * The audit log's side of the store (docs/AUDIT.md): append, list, verify. The hash chain itself is
 * computed by `audit/chain.ts`; the store seals each entry onto its head inside the transaction
 * that appends it, so entries from any connection or process chain in commit order.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AuditEntry, AuditVerdict } from '@bbk/sdk/protocol';
import {
  type AuditDraft,
  type ChainHead,
  ChainVerifier,
  parseHead,
  type StoredEntry,
  withTail,
} from '../audit/chain.js';

export type { AuditDraft } from '../audit/chain.js';

/** An `audit` row as both engines store it (`detail` as canonical JSON text). */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The meta key of the head as last appended (`<seq> <hash>`): catches a removed tail. */
export const HEAD_KEY = 'audit_head';

/** Entries read per step of `verifyChain`; the event loop runs between steps. */
const CHUNK = 2000;

/** The highest seq and the head recorded with it, read in one statement. */
export interface AuditTail {
  last: number | null;
  head: string | null;
}

/**
 * A store's `verify`: checks the chain up to `head` (the one recorded when it starts: entries appended meanwhile are
 * left for the next run) in chunks read by `chunk` (the rows with `after < seq <= upTo` in seq order, at most
 * `limit`), the event loop running between them, then checks for entries past the head read by `tail`.
 */
export async function verifyChain(
  head: ChainHead | undefined,
  chunk: (after: number, upTo: number, limit: number) => AuditRow[] | Promise<AuditRow[]>,
  tail: () => AuditTail | undefined | Promise<AuditTail | undefined>,
): Promise<AuditVerdict> {
  const upTo = head?.seq ?? Number.MAX_SAFE_INTEGER;
  const verifier = new ChainVerifier();
  for (let after = 0; ; ) {
    const rows = await chunk(after, upTo, CHUNK);
    for (const row of rows) if (verifier.push(toStored(row))) return verifier.finish(head);
    if (rows.length < CHUNK) break;
    after = rows[rows.length - 1]!.seq;
    await yieldToLoop();
  }
  const t = await tail();
  return withTail(verifier.finish(head), t?.last ?? undefined, parseHead(t?.head));
}

const toStored = (r: AuditRow): StoredEntry => ({ ...r, prevHash: r.prev_hash });

/**
 * What a write records in the audit log, given what the write returned inside its transaction
 * (e.g. the new row's id, or whether a row changed): nothing (`undefined`), one draft or several.
 * A store write method that takes one appends those entries in the same transaction as the change.
 * @example (id) => id === undefined ? undefined : { actor: 'coordinator:1', action: 'user.create', target: `user:${id}`, detail: {} }
 */
export type AuditNote<R> = (result: R) => AuditDraft | readonly AuditDraft[] | undefined;

/**
 * An append found the entry it was to write already there: entries were added after the recorded head behind the
 * server's back. Nothing is written (the change it came with is rolled back) until the log is repaired: a broken
 * log is not written on. Answered 503 with this message, and logged.
 */
export class AuditBrokenError extends Error {
  override readonly name = 'AuditBrokenError';
  constructor(seq: number, options?: { cause?: unknown }) {
    super(
      `the audit log holds an entry ${seq} its recorded head does not vouch for: nothing was written; run bbk audit verify`,
      options,
    );
  }
}

/** Filter of `list`: every given field must match. */
export interface AuditFilter {
  /** Exact actor, or its kind (`coordinator` matches `coordinator:3`). */
  actor?: string;
  /** Exact target, or its kind (`policy` matches `policy:open`). */
  target?: string;
  action?: string;
  /** ISO instants: `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
}

/** A page of `list`, by `seq`. */
export interface AuditPage {
  after?: number;
  before?: number;
  limit: number;
  order: 'asc' | 'desc';
}

export interface AuditStore {
  /** Appends entries after the current head, in one transaction; returns them as stored. */
  append(drafts: AuditDraft | readonly AuditDraft[]): Promise<AuditEntry[]>;
  list(filter: AuditFilter, page: AuditPage): Promise<AuditEntry[]>;
  /** Walks the whole chain (in chunks, yielding between them) and checks it against the recorded head. */
  verify(): Promise<AuditVerdict>;
}
