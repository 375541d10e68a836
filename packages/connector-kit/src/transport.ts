import { BbkApiError, type RecordInput, type SessionMode, type SessionReport, type SessionTransport } from '@bbk/sdk';
import { stripPrivate } from './private-keys.js';
import { isAmbiguous, type RetryOptions, withRetry } from './retry.js';

/** The server committed, or not: a close was retried after a lost answer and the session was gone. */
export class CommitUnknownError extends Error {
  override readonly name = 'CommitUnknownError';
  constructor(
    readonly sessionId: string,
    options: { cause: unknown },
  ) {
    super(
      `bbk: the commit of session ${sessionId} may or may not have been applied: the first attempt got no answer ` +
        'and the retry found the session closed. Run the contribution again (upserts are idempotent).',
      options,
    );
  }
}

/**
 * A SessionTransport (the SDK's ContributorClient, usually) with retries and privacy:
 * every call is retried on network errors and 5xx with exponential backoff (never on 4xx),
 * and every upserted record loses its `_`-prefixed keys before it leaves the process.
 *
 * Retrying is safe because each call is idempotent in effect: an upsert or delete sent twice
 * applies the same operations twice, and opening again only discards an empty session.
 * A close retried after a lost answer is the one ambiguous case, see `CommitUnknownError`.
 * @example const transport = new KitTransport(new ContributorClient({ baseUrl, token }), { retries: 5 });
 */
export class KitTransport implements SessionTransport {
  constructor(
    readonly inner: SessionTransport,
    readonly retry: RetryOptions = {},
  ) {}

  openSession(cid: string, mode: SessionMode): Promise<string> {
    return withRetry('open', () => this.inner.openSession(cid, mode), this.retry);
  }

  upsert(cid: string, sid: string, records: readonly RecordInput<object, object>[]): Promise<SessionReport> {
    const clean = records.map((record) => stripPrivate(record));
    return withRetry('upsert', () => this.inner.upsert(cid, sid, clean), this.retry);
  }

  delete(cid: string, sid: string, ids: readonly string[]): Promise<SessionReport> {
    return withRetry('delete', () => this.inner.delete(cid, sid, ids), this.retry);
  }

  async closeSession(cid: string, sid: string, commit: boolean): Promise<void> {
    let unanswered: unknown;
    const close = async () => {
      try {
        await this.inner.closeSession(cid, sid, commit);
      } catch (error) {
        if (isAmbiguous(error)) unanswered = error;
        throw error;
      }
    };
    try {
      await withRetry(commit ? 'commit' : 'rollback', close, this.retry);
    } catch (error) {
      // 401 = the session is no longer open. After an unanswered attempt that most likely means
      // our own earlier close went through: harmless for a rollback, unknown for a commit.
      if (unanswered !== undefined && error instanceof BbkApiError && error.status === 401) {
        if (!commit) return;
        throw new CommitUnknownError(sid, { cause: unanswered });
      }
      throw error;
    }
  }
}
