import { BbkApiError } from './errors.js';
import type { ValidationItem } from './protocol/errors.js';
import type { JsonObject, RecordInput, SessionMode, SessionReport } from './protocol/types.js';

/** The server's per-call limit on records or ids (spec §3.2). */
export const MAX_BATCH_SIZE = 250;

/** The four Contributor API calls a session needs; ContributorClient implements it. */
export interface SessionTransport {
  openSession(cid: string, mode: SessionMode): Promise<string>;
  upsert(cid: string, sid: string, records: readonly RecordInput<object, object>[]): Promise<SessionReport>;
  delete(cid: string, sid: string, ids: readonly string[]): Promise<SessionReport>;
  closeSession(cid: string, sid: string, commit: boolean): Promise<void>;
}

/** Reported after every batch the server acknowledged. */
export interface Progress {
  action: 'upsert' | 'delete';
  /** Records and ids sent so far in this session, all actions together. */
  sent: number;
  /** The `total` given in the options (or the array length given to `contribute`), when known. */
  total?: number;
}

/** Options of a session. */
export interface SessionOptions {
  /** Records or ids per call, 1–250. Default 250. */
  batchSize?: number;
  /** Called after each acknowledged batch. */
  onProgress?: (progress: Progress) => void;
  /** Expected number of items, echoed in progress reports. */
  total?: number;
}

/** Anything that yields items, synchronously or not. */
export type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

/**
 * An open contributor session that splits large posts into batches and sends them in call order.
 * @example
 * const session = await contributor.session(cid, 'replace');
 * await session.upsert(records); // any number of records
 * await session.commit();
 */
export class Session {
  readonly #api: SessionTransport;
  readonly #batchSize: number;
  readonly #options: SessionOptions;
  #sent = 0;
  #state: 'open' | 'committed' | 'rolled-back' = 'open';
  // Calls are chained so that records reach the server in the order the methods were called.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    api: SessionTransport,
    readonly cid: string,
    readonly mode: SessionMode,
    readonly id: string,
    options: SessionOptions = {},
  ) {
    this.#api = api;
    this.#batchSize = checkBatchSize(options.batchSize ?? MAX_BATCH_SIZE);
    this.#options = options;
  }

  /**
   * Opens a session (`GET /connector/:cid/session/open/:mode`); any session already open is discarded.
   * @example const session = await Session.open(contributor, cid, 'accrue', { onProgress: console.log });
   */
  static async open(api: SessionTransport, cid: string, mode: SessionMode, options?: SessionOptions): Promise<Session> {
    checkBatchSize(options?.batchSize ?? MAX_BATCH_SIZE);
    return new Session(api, cid, mode, await api.openSession(cid, mode), options);
  }

  /** Items sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** `'open'` until `commit` or `rollback` succeeded. */
  get state(): 'open' | 'committed' | 'rolled-back' {
    return this.#state;
  }

  /** Upserts any number of records in batches; resolves to the merged report (vendor id → public id). */
  upsert<E extends object = JsonObject, I extends object = JsonObject>(
    records: AnyIterable<RecordInput<E, I>>,
  ): Promise<SessionReport> {
    return this.#send('upsert', records);
  }

  /** Deletes records by vendor id in batches; unknown ids are ignored by the server. */
  delete(ids: AnyIterable<string>): Promise<SessionReport> {
    return this.#send('delete', ids);
  }

  /** Closes with commit = true: applies pending operations (accrue, replace). */
  commit(): Promise<void> {
    return this.#close(true);
  }

  /** Closes with commit = false: discards pending operations (a no-op for stream sessions). */
  rollback(): Promise<void> {
    return this.#close(false);
  }

  #send<T>(action: Progress['action'], items: AnyIterable<T>): Promise<SessionReport> {
    return this.#enqueue(async () => {
      this.#assertOpen();
      const report: SessionReport = {};
      // where each batch starts among the items given: a refused item's index is reported there, not in its batch
      let offset = 0;
      for await (const batch of batches(items, this.#batchSize)) {
        let part: SessionReport;
        try {
          part =
            action === 'upsert'
              ? await this.#api.upsert(this.cid, this.id, batch as RecordInput<object, object>[])
              : await this.#api.delete(this.cid, this.id, batch as string[]);
        } catch (err) {
          throw offset > 0 ? indexedFrom(err, offset) : err;
        }
        offset += batch.length;
        Object.assign(report, part);
        this.#sent += batch.length;
        const { total, onProgress } = this.#options;
        onProgress?.(total === undefined ? { action, sent: this.#sent } : { action, sent: this.#sent, total });
      }
      return report;
    });
  }

  #close(commit: boolean): Promise<void> {
    return this.#enqueue(async () => {
      this.#assertOpen();
      await this.#api.closeSession(this.cid, this.id, commit);
      this.#state = commit ? 'committed' : 'rolled-back';
    });
  }

  #enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw new Error(`bbk: session ${this.id} is already ${this.#state}`);
  }
}

/**
 * Runs `work` inside a session: commits when it resolves, rolls back when it throws
 * (rethrowing the original error), and resolves to what `work` returned.
 * A session that `work` closed itself is left as is.
 * @example await withSession(contributor, cid, 'accrue', (s) => s.upsert(records));
 */
export async function withSession<R>(
  api: SessionTransport,
  cid: string,
  mode: SessionMode,
  work: (session: Session) => Promise<R>,
  options?: SessionOptions,
): Promise<R> {
  const session = await Session.open(api, cid, mode, options);
  let result: R;
  try {
    result = await work(session);
  } catch (error) {
    if (session.state === 'open') await session.rollback().catch(() => undefined);
    throw error;
  }
  if (session.state === 'open') await session.commit();
  return result;
}

/** What `contribute` reports. */
export interface ContributeResult {
  sessionId: string;
  /** Records sent. */
  sent: number;
}

/**
 * Streams any number of records into one session, `batchSize` per call, and commits;
 * rolls back and rethrows on the first failure. Reports are not accumulated.
 * @example await contribute(contributor, cid, 'replace', readRecords(), { onProgress: ({ sent }) => log(sent) });
 */
export async function contribute<E extends object = JsonObject, I extends object = JsonObject>(
  api: SessionTransport,
  cid: string,
  mode: SessionMode,
  records: AnyIterable<RecordInput<E, I>>,
  options: SessionOptions = {},
): Promise<ContributeResult> {
  const total = options.total ?? (Array.isArray(records) ? records.length : undefined);
  // a bad batch size is refused before the session opens
  checkBatchSize(options.batchSize ?? MAX_BATCH_SIZE);
  return withSession(
    api,
    cid,
    mode,
    async (session) => {
      // the session batches them, and reports a refused record at its index in `records`
      await session.upsert(records);
      return { sessionId: session.id, sent: session.sent };
    },
    total === undefined ? options : { ...options, total },
  );
}

/**
 * A 400 of a later batch with its validation items' indices counted from the first item given (`offset` items were
 * in the batches before it); any other error as it is.
 */
function indexedFrom(err: unknown, offset: number): unknown {
  if (!(err instanceof BbkApiError) || !err.items.some((item) => item.index !== null)) return err;
  const body = err.body as { error: { message: ValidationItem[] } };
  const message = body.error.message.map((item) =>
    item.index === null ? item : { ...item, index: item.index + offset },
  );
  return new BbkApiError({
    status: err.status,
    body: { error: { ...body.error, message } },
    headers: err.headers,
    ...(err.method === undefined ? {} : { method: err.method }),
    ...(err.url === undefined ? {} : { url: err.url }),
  });
}

/**
 * Groups items into arrays of at most `size`, preserving order; never yields an empty array.
 * @example for await (const b of batches([1, 2, 3], 2)) … // [1, 2], [3]
 */
export async function* batches<T>(items: AnyIterable<T>, size: number): AsyncGenerator<T[]> {
  checkBatchSize(size);
  // A string is iterable too; sending its characters as ids is never intended.
  if (typeof items === 'string') throw new TypeError('bbk: expected an array or iterable of items, got a string');
  if (Array.isArray(items)) {
    for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
    return;
  }
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function checkBatchSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new RangeError(`bbk: batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${size}`);
  }
  return size;
}
