import {
  type AnyIterable,
  type ContributeResult,
  ContributorClient,
  contribute,
  type JsonObject,
  type Progress,
  type RecordInput,
  Session,
  type SessionMode,
  type SessionOptions,
  withSession,
} from '@bbk/sdk';
import type { Dispatcher } from 'undici';
import type { RetryOptions } from './retry.js';
import { KitTransport } from './transport.js';

/** Where and as whom a connector contributes. */
export interface ConnectorTarget {
  /** Contributor API base URL including the base path, e.g. `http://localhost:8002/v1`. */
  contributorUrl: string;
  /** The contributor token given at connector creation (ignored by development servers). */
  token?: string;
  /** The connector's contribution id (40 hex characters), the `id` returned at connector creation. */
  connectorId: string;
}

/** Options of `createConnectorClient`. */
export interface ConnectorClientOptions extends ConnectorTarget {
  /** Retry policy for every call (network errors and 5xx only). */
  retry?: RetryOptions;
  /** Records or ids per call, 1–250 (the server's limit). Default 250. */
  batchSize?: number;
  /** Called after every acknowledged batch. */
  onProgress?: (progress: Progress) => void;
  /** Per-request timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** undici dispatcher to share a connection pool. */
  dispatcher?: Dispatcher;
}

/** Per-call options: the client's defaults, overridable. */
export type ContributionOptions = Pick<SessionOptions, 'batchSize' | 'onProgress' | 'total'>;

/**
 * A connector's view of the Contributor API: sessions that batch (≤ 250 per call), retry on network
 * errors and 5xx, strip `_`-prefixed keys, commit on success and roll back on failure.
 * @example
 * const client = createConnectorClient({ contributorUrl, token, connectorId, onProgress: (p) => console.log(p.sent) });
 * await client.replace(records); // "here is my whole record set"
 * await client.close();
 */
export class ConnectorClient {
  readonly connectorId: string;
  readonly transport: KitTransport;
  readonly #api: ContributorClient;
  readonly #defaults: ContributionOptions;

  constructor(options: ConnectorClientOptions) {
    if (!isContributionId(options.connectorId)) {
      throw new TypeError(`bbk: connectorId must be the 40-character contribution id, got "${options.connectorId}"`);
    }
    this.connectorId = options.connectorId;
    this.#api = new ContributorClient({
      baseUrl: options.contributorUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      dispatcher: options.dispatcher,
    });
    this.transport = new KitTransport(this.#api, options.retry);
    this.#defaults = { batchSize: options.batchSize, onProgress: options.onProgress };
  }

  /**
   * Opens a session to drive by hand; close it with `commit()` or `rollback()`.
   * @example const s = await client.open('accrue'); await s.upsert(records); await s.delete(['GB']); await s.commit();
   */
  open(mode: SessionMode, options: ContributionOptions = {}): Promise<Session> {
    return Session.open(this.transport, this.connectorId, mode, this.#options(options));
  }

  /**
   * Runs `work` in a session: commits when it resolves, rolls back (and rethrows) when it throws.
   * @example await client.session('stream', async (s) => { await s.upsert(changed); await s.delete(removed); });
   */
  session<R>(mode: SessionMode, work: (session: Session) => Promise<R>, options: ContributionOptions = {}): Promise<R> {
    return withSession(this.transport, this.connectorId, mode, work, this.#options(options));
  }

  /**
   * Upserts any number of records (array, generator or async generator) in one committed session.
   * @example await client.contribute('stream', readRows());
   */
  contribute<E extends object = JsonObject, I extends object = JsonObject>(
    mode: SessionMode,
    records: AnyIterable<RecordInput<E, I>>,
    options: ContributionOptions = {},
  ): Promise<ContributeResult> {
    return contribute(this.transport, this.connectorId, mode, records, this.#options(options));
  }

  /**
   * Replace mode, "here is my whole record set": after the commit the connector's records are exactly
   * `records`; on any failure the session is rolled back and the catalog is untouched.
   * @example await client.replace(loadAll());
   */
  replace<E extends object = JsonObject, I extends object = JsonObject>(
    records: AnyIterable<RecordInput<E, I>>,
    options: ContributionOptions = {},
  ): Promise<ContributeResult> {
    return this.contribute('replace', records, options);
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#api.close();
  }

  #options(options: ContributionOptions): SessionOptions {
    const merged: SessionOptions = { ...this.#defaults };
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    return merged;
  }
}

/**
 * Creates a ConnectorClient.
 * @example const client = createConnectorClient({ ...connectorTargetFromEnv(), retry: { retries: 6 } });
 */
export function createConnectorClient(options: ConnectorClientOptions): ConnectorClient {
  return new ConnectorClient(options);
}

/**
 * Runs `work` with a ConnectorClient and closes the client afterwards, whatever happens.
 * @example await withConnectorClient({ ...target, onProgress }, (client) => client.replace(records));
 */
export async function withConnectorClient<R>(
  options: ConnectorClientOptions,
  work: (client: ConnectorClient) => Promise<R>,
): Promise<R> {
  const client = new ConnectorClient(options);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/**
 * Whether a text has the shape of a contribution id: 40 lower-case letters and digits (the hex SHA-1 the
 * Coordinator API returns as the connector's `id`), as opposed to the connector's slug.
 * @example isContributionId('9afcf3235500836c6fcd9e82110dbc05ffbb734b') // true
 */
export function isContributionId(text: string): boolean {
  return /^[a-z0-9]{40}$/.test(text);
}

/**
 * Reads `BBK_CONTRIBUTOR_URL`, `BBK_TOKEN` and `BBK_CONNECTOR_ID`; throws naming every missing one.
 * @example const target = connectorTargetFromEnv(process.env);
 */
export function connectorTargetFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectorTarget {
  const missing = ['BBK_CONTRIBUTOR_URL', 'BBK_CONNECTOR_ID'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`bbk: missing environment variable(s): ${missing.join(', ')}`);
  return {
    contributorUrl: env.BBK_CONTRIBUTOR_URL as string,
    connectorId: env.BBK_CONNECTOR_ID as string,
    ...(env.BBK_TOKEN ? { token: env.BBK_TOKEN } : {}),
  };
}
