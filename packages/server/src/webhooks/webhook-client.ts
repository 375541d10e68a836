import { Agent, type Dispatcher } from 'undici';
import { MAX_SECTION_DEPTH } from '../storage/records-store.js';
import { nestingErrorPosition } from '../validation/json-body.js';
import { type CallOutcome, HealthBook, type WebhookHealth } from './health.js';
import { ReplyCache } from './reply-cache.js';
import { SIGNATURE_HEADER, signWebhookRequest } from './signature.js';

/** The connector side of a webhook call. */
export interface WebhookTarget {
  connectorId: number;
  /** Registered URL, no trailing slash (spec §5). */
  webhook: string;
  /** Per-connector HMAC key (docs/WEBHOOKS.md). */
  secret: string;
  /** Connector `cache` in seconds; 0 = no cache (spec §9). */
  cacheSeconds: number;
}

/** The usable part of an entity webhook reply (spec §4.4 step 3). */
export interface EntityExtras {
  entity?: Record<string, unknown>;
  instance?: Record<string, unknown>;
}

/** Timeseries request parameters, already normalised (ISO UTC with ms). */
export interface TimeseriesQuery {
  start?: string;
  end?: string;
  limit: number;
}

export interface WebhookClientOptions {
  /** Whole-call timeout (connect, headers and body), ms. */
  timeoutMs: number;
  /** Clock in ms (signatures, cache freshness, health times). */
  now: () => number;
  /** Replaces the shared keep-alive Agent (tests). */
  dispatcher?: Dispatcher;
  /** Largest reply body read, bytes. Default 16 MiB. */
  maxReplyBytes?: number;
  cache?: { maxEntries?: number; maxBytes?: number };
  /** Told of every call made (not of cache hits), e.g. for metrics. */
  onCall?: (connectorId: number, outcome: CallOutcome) => void;
}

type Reply = { ok: true; json: unknown; size: number } | { ok: false };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Percent-encodes one path segment; `.` and `..` are encoded too so no URL normaliser can collapse them. */
export function pathSegment(value: string): string {
  const s = encodeURIComponent(value);
  return s === '.' || s === '..' ? s.replaceAll('.', '%2E') : s;
}

/**
 * Splits a registered webhook URL into origin, base path (no trailing slash) and its own query (without `?`,
 * empty when none), which every call carries after bbk's parameters (a key the connector put there, say).
 */
function splitWebhook(webhook: string): { origin: string; base: string; query: string } | undefined {
  try {
    const u = new URL(webhook);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return { origin: u.origin, base: u.pathname.replace(/\/+$/, ''), query: u.search.slice(1) };
  } catch {
    return undefined;
  }
}

/**
 * Calls connector webhooks (spec §5, §9): one shared keep-alive undici Agent,
 * a whole-call timeout, a signature on every call, replies cached per record
 * for the connector's `cache` seconds, and health figures per connector.
 * Never throws for anything the connector does: failures give `undefined`.
 * @example
 * const hooks = new WebhookClient({ timeoutMs: 2000, now: Date.now });
 * const extras = await hooks.entity(target, 'country', 'GB'); // { entity?: {...}, instance?: {...} } | undefined
 */
export class WebhookClient {
  readonly #dispatcher: Dispatcher;
  readonly #ownAgent: Agent | undefined;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #health = new HealthBook();
  readonly #cache: ReplyCache<unknown>;
  readonly #inflight = new Map<string, Promise<Reply>>();
  readonly #onCall: ((connectorId: number, outcome: CallOutcome) => void) | undefined;

  constructor(options: WebhookClientOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#now = options.now;
    const maxResponseSize = options.maxReplyBytes ?? 16 * 1024 * 1024;
    this.#ownAgent = options.dispatcher
      ? undefined
      : new Agent({ keepAliveTimeout: 10_000, connect: { timeout: options.timeoutMs }, maxResponseSize });
    this.#dispatcher = options.dispatcher ?? this.#ownAgent!;
    this.#cache = new ReplyCache(options.cache);
    this.#onCall = options.onCall;
  }

  /**
   * `GET {webhook}/entity/{type}/{vendor id}`: the reply's object `entity` and
   * `instance`, or undefined when the call failed or the reply is not a 2xx JSON object.
   */
  async entity(target: WebhookTarget, type: string, vendorId: string): Promise<EntityExtras | undefined> {
    const reply = await this.#get(target, `/entity/${pathSegment(type)}/${pathSegment(vendorId)}`, isObject);
    if (!reply.ok || !isObject(reply.json)) return undefined;
    const extras: EntityExtras = {};
    if (isObject(reply.json.entity)) extras.entity = reply.json.entity;
    if (isObject(reply.json.instance)) extras.instance = reply.json.instance;
    return extras;
  }

  /**
   * `GET {webhook}/timeseries/{type}/{vendor id}/{tsid}?start=…&end=…&limit=…`:
   * the reply array, or undefined when the call failed or the reply is not a 2xx JSON array.
   */
  async timeseries(
    target: WebhookTarget,
    ids: { type: string; vendorId: string; tsid: string },
    q: TimeseriesQuery,
  ): Promise<unknown[] | undefined> {
    const params: string[] = [];
    if (q.start !== undefined) params.push(`start=${encodeURIComponent(q.start)}`);
    if (q.end !== undefined) params.push(`end=${encodeURIComponent(q.end)}`);
    params.push(`limit=${q.limit}`);
    const path = `/timeseries/${pathSegment(ids.type)}/${pathSegment(ids.vendorId)}/${pathSegment(ids.tsid)}?${params.join('&')}`;
    const reply = await this.#get(target, path, Array.isArray);
    return reply.ok && Array.isArray(reply.json) ? reply.json : undefined;
  }

  /** Health figures of a connector's webhook. */
  health(connectorId: number): WebhookHealth {
    return this.#health.get(connectorId);
  }

  /** Closes the shared Agent (not an injected dispatcher). */
  async close(): Promise<void> {
    await this.#ownAgent?.close();
  }

  /** One GET through the cache; `usable` decides whether a 2xx JSON reply counts as a success. */
  async #get(target: WebhookTarget, path: string, usable: (json: unknown) => boolean): Promise<Reply> {
    const split = splitWebhook(target.webhook);
    if (!split) {
      const outcome: CallOutcome = { ok: false, latencyMs: 0, timeout: false, error: 'invalid webhook URL' };
      this.#health.record(target.connectorId, outcome, this.#now());
      this.#onCall?.(target.connectorId, outcome);
      return { ok: false };
    }
    const own = split.query === '' ? '' : `${path.includes('?') ? '&' : '?'}${split.query}`;
    const fullPath = `${split.base}${path}${own}`;
    const ttlMs = target.cacheSeconds * 1000;
    if (ttlMs <= 0) return this.#call(target, split.origin, fullPath, usable);

    const key = `${target.connectorId}\n${split.origin}${fullPath}`;
    const cached = this.#cache.get(key, ttlMs, this.#now());
    if (cached !== undefined) return { ok: true, json: cached, size: 0 };
    // concurrent requests for the same record share one call
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#call(target, split.origin, fullPath, usable).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
      const reply = await pending;
      if (reply.ok) this.#cache.set(key, reply.json, reply.size, this.#now());
      return reply;
    }
    return pending;
  }

  async #call(target: WebhookTarget, origin: string, path: string, usable: (json: unknown) => boolean): Promise<Reply> {
    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    let outcome: CallOutcome;
    let reply: Reply = { ok: false };
    try {
      const res = await this.#dispatcher.request({
        origin,
        path,
        method: 'GET',
        headers: {
          accept: 'application/json, text/plain',
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhookRequest(target.secret, {
            method: 'GET',
            target: path,
            timestamp: Math.floor(this.#now() / 1000),
          }),
        },
        signal: controller.signal,
      });
      if (res.statusCode < 200 || res.statusCode > 299) {
        await res.body.dump().catch(() => {});
        outcome = {
          ok: false,
          latencyMs: performance.now() - started,
          timeout: false,
          error: `HTTP ${res.statusCode}`,
        };
      } else {
        const text = await res.body.text();
        let json: unknown;
        // nested deeper than a stored record may be: refused before it is parsed (every later step recurses)
        const tooDeep = nestingErrorPosition(text, MAX_REPLY_DEPTH) >= 0;
        try {
          json = tooDeep ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        const latencyMs = performance.now() - started;
        if (tooDeep) {
          outcome = {
            ok: false,
            latencyMs,
            timeout: false,
            error: `reply is nested deeper than ${MAX_REPLY_DEPTH} levels`,
          };
        } else if (json !== undefined && usable(json)) {
          reply = { ok: true, json, size: text.length };
          outcome = { ok: true, latencyMs };
        } else {
          outcome = {
            ok: false,
            latencyMs,
            timeout: false,
            error: json === undefined ? 'reply is not JSON' : 'reply has the wrong shape',
          };
        }
      }
    } catch (err) {
      const timeout = controller.signal.aborted;
      const error = timeout ? `timeout after ${this.#timeoutMs} ms` : describe(err);
      outcome = { ok: false, latencyMs: performance.now() - started, timeout, error };
    } finally {
      clearTimeout(timer);
    }
    this.#health.record(target.connectorId, outcome, this.#now());
    this.#onCall?.(target.connectorId, outcome);
    return reply;
  }
}

/**
 * The deepest reply taken: a record's section may be nested `MAX_SECTION_DEPTH` levels, and a reply wraps it in two
 * more at most (`{"entity": …}`, a timeseries point `[{"value": …}]`).
 */
const MAX_REPLY_DEPTH = MAX_SECTION_DEPTH + 2;

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
