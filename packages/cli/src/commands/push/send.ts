import { BbkApiError, type ContributorClient, type SessionMode, type ValidationItem } from '@bbk/sdk';
import type { Candidate } from './read-records.js';

/** How the records fared on the server. */
export interface SendResult {
  session: string;
  committed: boolean;
  /** Why the session was rolled back instead of committed (a sentence). */
  aborted?: string;
  /** Vendor id → public id of every accepted record. */
  ids: Record<string, string>;
  sent: number;
  /** Candidates the server rejected, with its reasons added to `problems`. */
  rejected: Candidate[];
}

export interface SendOptions {
  contributor: ContributorClient;
  cid: string;
  mode: SessionMode;
  batchSize: number;
  /** Roll back at the first rejection (accrue, replace). */
  atomic: boolean;
  onProgress?: (done: number) => void;
  /** Checked between batches: when true, the session is rolled back and sending stops. */
  interrupted?: () => boolean;
}

/** Raised when sending stopped on request; carries what was done so far. */
export class Interrupted extends Error {}

/**
 * Sends candidates in one session, `batchSize` per call, and commits.
 *
 * The server rejects a whole call when one record is bad (spec §3.2), naming the bad records by index.
 * Those records are set aside with the server's reasons and the rest of the call is sent again, so one
 * bad record never holds back the good ones. A rejection without record indexes rejects the whole call.
 * Any other failure (auth, network, 5xx) rolls the session back and is rethrown.
 * A `replace` session in which every record was rejected is rolled back: it would empty the connector.
 */
export async function sendRecords(candidates: readonly Candidate[], options: SendOptions): Promise<SendResult> {
  const { contributor, cid, mode, batchSize, atomic } = options;
  const session = await contributor.session(cid, mode, { batchSize });
  const ids: Record<string, string> = {};
  const rejected: Candidate[] = [];
  let done = 0;
  const rollback = async (why: string): Promise<SendResult> => {
    await session.rollback();
    return { session: session.id, committed: false, aborted: why, ids: {}, sent: session.sent, rejected };
  };
  try {
    for (let start = 0; start < candidates.length; start += batchSize) {
      if (options.interrupted?.()) {
        await session.rollback().catch(() => undefined);
        throw new Interrupted(`interrupted: session ${session.id} rolled back after ${done} records`);
      }
      let pending = candidates.slice(start, start + batchSize);
      while (pending.length > 0) {
        try {
          Object.assign(ids, await session.upsert(pending.map((c) => c.record as never)));
          break;
        } catch (error) {
          if (!(error instanceof BbkApiError) || error.status !== 400) throw error;
          const { bad, rest } = split(pending, error.items);
          rejected.push(...bad);
          pending = rest;
          if (atomic)
            return await rollback(
              `the ${mode} session was rolled back because a record was rejected and --atomic was given`,
            );
        }
      }
      done = Math.min(candidates.length, start + batchSize);
      options.onProgress?.(done);
    }
    if (mode === 'replace' && Object.keys(ids).length === 0 && rejected.length > 0) {
      return await rollback(
        'the replace session was rolled back because every record was rejected (committing it would empty the connector)',
      );
    }
    await session.commit();
    return { session: session.id, committed: true, ids, sent: session.sent, rejected };
  } catch (error) {
    if (session.state === 'open' && mode !== 'stream') await session.rollback().catch(() => undefined);
    throw error;
  }
}

/** Splits a rejected call into the records the server named (with its reasons) and the others. */
function split(pending: Candidate[], items: readonly ValidationItem[]): { bad: Candidate[]; rest: Candidate[] } {
  const reasons = new Map<number, string[]>();
  for (const item of items) {
    if (item.index === null || item.index < 0 || item.index >= pending.length) continue;
    const list = reasons.get(item.index) ?? [];
    list.push(describeItem(item));
    reasons.set(item.index, list);
  }
  if (reasons.size === 0) {
    // Nothing points at a record: the call as a whole was refused.
    const why = items.length ? items.map(describeItem) : ['rejected by the server'];
    return { bad: pending.map((c) => ({ ...c, problems: [...c.problems, ...why] })), rest: [] };
  }
  const bad: Candidate[] = [];
  const rest: Candidate[] = [];
  pending.forEach((candidate, i) => {
    const why = reasons.get(i);
    if (why) bad.push({ ...candidate, problems: [...candidate.problems, ...why] });
    else rest.push(candidate);
  });
  return { bad, rest };
}

/** `records.entity.population` → `entity.population: <reason>` (the record is already identified). */
function describeItem(item: ValidationItem): string {
  const name = item.name.replace(/^records\.?/, '');
  return name ? `${name}: ${item.reason}` : item.reason;
}
