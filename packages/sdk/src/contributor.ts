import { type ClientInit, type HttpClient, toHttpClient } from './client.js';
import { BbkNetworkError } from './errors.js';
import type { Announce, JsonObject, RecordInput, SessionMode, SessionReport } from './protocol/types.js';
import {
  type AnyIterable,
  type ContributeResult,
  contribute,
  Session,
  type SessionOptions,
  type SessionTransport,
  withSession,
} from './session.js';
import { path } from './url.js';

/**
 * Typed client of the Contributor API (spec §3, default port 8002). `cid` is the contribution id
 * (40 hex characters, from the connector's `contribution_id`), not the connector slug.
 * @example
 * const contributor = new ContributorClient({ baseUrl: 'http://localhost:8002/v1', token: contributorToken });
 * await contributor.withSession(cid, 'replace', async (session) => {
 *   await session.upsert(records); // split into calls of ≤ 250
 * });
 */
export class ContributorClient implements SessionTransport {
  readonly http: HttpClient;

  constructor(init: ClientInit) {
    this.http = toHttpClient(init);
  }

  /**
   * `GET /connector/:cid/session/open/:mode` → the new session id. Discards any session already open.
   * @example const sid = await contributor.openSession(cid, 'accrue');
   */
  async openSession(cid: string, mode: SessionMode): Promise<string> {
    const res = await this.http.request({ method: 'GET', path: path`/connector/${cid}/session/open/${mode}` });
    if (typeof res.body !== 'string' || res.body === '') {
      throw new BbkNetworkError('invalid-response', { method: res.method, url: res.url, detail: 'no session id' });
    }
    return res.body;
  }

  /** `POST /connector/:cid/session/:sid/upsert` with at most 250 records (one call, no splitting). */
  async upsert<E extends object = JsonObject, I extends object = JsonObject>(
    cid: string,
    sid: string,
    records: readonly RecordInput<E, I>[],
  ): Promise<SessionReport> {
    const req = { method: 'POST', path: path`/connector/${cid}/session/${sid}/upsert`, body: records } as const;
    return (await this.http.request<SessionReport>(req)).body;
  }

  /** `POST /connector/:cid/session/:sid/delete` with at most 250 vendor ids (one call, no splitting). */
  async delete(cid: string, sid: string, ids: readonly string[]): Promise<SessionReport> {
    const req = { method: 'POST', path: path`/connector/${cid}/session/${sid}/delete`, body: ids } as const;
    return (await this.http.request<SessionReport>(req)).body;
  }

  /** `GET /connector/:cid/session/:sid/close/:commit`: commit applies pending operations, rollback discards them. */
  async closeSession(cid: string, sid: string, commit: boolean): Promise<void> {
    await this.http.request({ method: 'GET', path: path`/connector/${cid}/session/${sid}/close/${String(commit)}` });
  }

  /**
   * Opens a session object that batches, orders and tracks progress; close it with `commit()` or `rollback()`.
   * @example const s = await contributor.session(cid, 'stream'); await s.delete(['GB']); await s.commit();
   */
  session(cid: string, mode: SessionMode, options?: SessionOptions): Promise<Session> {
    return Session.open(this, cid, mode, options);
  }

  /**
   * Runs `work` in a session: commit when it resolves, rollback (and rethrow) when it throws.
   * @example await contributor.withSession(cid, 'accrue', (s) => s.upsert(records), { onProgress: console.log });
   */
  withSession<R>(
    cid: string,
    mode: SessionMode,
    work: (session: Session) => Promise<R>,
    options?: SessionOptions,
  ): Promise<R> {
    return withSession(this, cid, mode, work, options);
  }

  /**
   * Streams any number of records (array, generator, async generator) into one committed session.
   * @example const { sent } = await contributor.contribute(cid, 'replace', readCsv('countries.csv'));
   */
  contribute<E extends object = JsonObject, I extends object = JsonObject>(
    cid: string,
    mode: SessionMode,
    records: AnyIterable<RecordInput<E, I>>,
    options?: SessionOptions,
  ): Promise<ContributeResult> {
    return contribute(this, cid, mode, records, options);
  }

  /** `GET /v1` of the Contributor API. */
  async announce(): Promise<Announce> {
    return (await this.http.request<Announce>({ method: 'GET', path: '' })).body;
  }

  /** Closes the client's own connection pool. */
  close(): Promise<void> {
    return this.http.close();
  }
}
