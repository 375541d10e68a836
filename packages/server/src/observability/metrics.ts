import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import type { Store, StoreFigures } from '../storage/store.js';
import type { CallOutcome } from '../webhooks/index.js';

/** How often the event loop's delay is sampled for `nodejs_eventloop_lag_*` (ms). */
const LOOP_DELAY_SAMPLE_MS = 100;

/** Request latency buckets, seconds: 0.5 ms to 10 s. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: Record<string, string>;
  /** per bucket (not cumulative), the last one being +Inf */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** The latency series of one API surface, found by route pattern, method and status. */
export interface ApiLatency {
  /** One finished request; `route` is the route pattern (`undefined` when no route matched). */
  observe(method: string, route: string | undefined, status: number, seconds: number): void;
}

/**
 * `bbk_http_request_duration_seconds`: a histogram whose hot path is three Map lookups on keys
 * whose hashes V8 keeps (the route pattern and method strings are the same objects every request,
 * the status a small integer), a short bucket scan and two additions per request; the label objects
 * are built once per series. (prom-client's own `observe` re-validates and re-hashes the labels on
 * every call, which showed in the consumer benchmark's profile.) prom-client reads it through `get()`,
 * the interface every metric of a registry has, and prints it like its own histograms.
 */
class LatencyHistogram {
  readonly name = 'bbk_http_request_duration_seconds';
  readonly help = 'HTTP request latency by API, method, route pattern and status';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** api → route ('' when unmatched) → method → status → series */
  readonly #apis = new Map<string, Map<string, Map<string, Map<number, Series>>>>();

  api(api: string): ApiLatency {
    let routes = this.#apis.get(api);
    if (!routes) {
      routes = new Map();
      this.#apis.set(api, routes);
    }
    const byRoute = routes;
    return {
      observe: (method, route, status, seconds) => {
        const key = route ?? '';
        let methods = byRoute.get(key);
        if (!methods) {
          methods = new Map();
          byRoute.set(key, methods);
        }
        let statuses = methods.get(method);
        if (!statuses) {
          statuses = new Map();
          methods.set(method, statuses);
        }
        let s = statuses.get(status);
        if (!s) {
          const labels = { api, method, route: route ?? 'unmatched', status: String(status) };
          s = { labels, counts: new Float64Array(LATENCY_BUCKETS.length + 1), sum: 0, count: 0 };
          statuses.set(status, s);
        }
        let i = 0;
        while (i < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[i] as number)) i++;
        s.counts[i] = (s.counts[i] as number) + 1;
        s.sum += seconds;
        s.count += 1;
      },
    };
  }

  *#series(): Generator<Series> {
    for (const routes of this.#apis.values())
      for (const methods of routes.values()) for (const statuses of methods.values()) yield* statuses.values();
  }

  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const s of this.#series()) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ labels: { ...s.labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    // the series stay (the surfaces hold their maps); their counts start again
    for (const s of this.#series()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}

/** Session events counted per connector. */
export type SessionEvent = 'open' | 'commit' | 'rollback';

interface ContributionCounts {
  upsert: number;
  delete: number;
  open: number;
  commit: number;
  rollback: number;
}

interface WebhookCounts {
  calls: number;
  failures: Record<WebhookFailure, number>;
}

/** Why a webhook call failed (`reason` label). */
export type WebhookFailure = 'timeout' | 'status' | 'reply' | 'network';

function failureReason(outcome: Exclude<CallOutcome, { ok: true }>): WebhookFailure {
  if (outcome.timeout) return 'timeout';
  if (outcome.error.startsWith('HTTP ')) return 'status';
  if (outcome.error.startsWith('reply ')) return 'reply';
  return 'network';
}

/**
 * bbk's Prometheus metrics (docs/OPERATIONS.md), in a registry of their own. The request path
 * only bumps in-memory counts keyed by ids; connector slugs, catalog size and database size are
 * looked up through the `Store` when `/metrics` is scraped.
 * @example
 * const metrics = new Metrics({ store });
 * metrics.api('consumer').observe('GET', '/v1/entity/:type/:id', 200, 0.0021);
 * const text = await metrics.registry.metrics();
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #store: Store;
  readonly #latency: LatencyHistogram;
  readonly #limited: Counter<'policy' | 'limit'>;
  readonly #contributions = new Map<string, ContributionCounts>();
  readonly #webhooks = new Map<number, WebhookCounts>();
  readonly #slugByCid = new Map<string, string>();
  readonly #slugById = new Map<number, string>();
  #figures: { at: number; value: Promise<StoreFigures> } | undefined;

  constructor(options: { store: Store }) {
    this.#store = options.store;
    const registers = [this.registry];
    // the event loop delay is sampled every 100 ms, not every 10 (prom-client's default): its timer is one more
    // wake-up of an idle loop per sample, and 10 a second give the lag percentiles enough samples between scrapes
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: LOOP_DELAY_SAMPLE_MS });
    this.#latency = new LatencyHistogram();
    this.registry.registerMetric(this.#latency as unknown as Metric);
    this.#limited = new Counter({
      name: 'bbk_consumer_rate_limited_total',
      help: 'Consumer calls refused with 429, by policy and the limit that refused them (rate or quota)',
      labelNames: ['policy', 'limit'],
      registers,
    });
    const self = this;
    new Counter({
      name: 'bbk_contributor_records_total',
      help: 'Records in accepted contributor upsert and delete calls, by connector and action',
      labelNames: ['connector', 'action'],
      registers,
      async collect() {
        this.reset();
        for (const [slug, c] of await self.#contributionsBySlug()) {
          this.inc({ connector: slug, action: 'upsert' }, c.upsert);
          this.inc({ connector: slug, action: 'delete' }, c.delete);
        }
      },
    });
    new Counter({
      name: 'bbk_contributor_sessions_total',
      help: 'Contribution sessions opened, committed and rolled back, by connector',
      labelNames: ['connector', 'event'],
      registers,
      async collect() {
        this.reset();
        for (const [slug, c] of await self.#contributionsBySlug()) {
          for (const event of ['open', 'commit', 'rollback'] as const) this.inc({ connector: slug, event }, c[event]);
        }
      },
    });
    new Counter({
      name: 'bbk_webhook_calls_total',
      help: 'Webhook calls made (cache hits excluded), by connector',
      labelNames: ['connector'],
      registers,
      async collect() {
        this.reset();
        for (const [slug, w] of await self.#webhooksBySlug()) this.inc({ connector: slug }, w.calls);
      },
    });
    new Counter({
      name: 'bbk_webhook_failures_total',
      help: 'Failed webhook calls by connector and reason (timeout, status, reply, network)',
      labelNames: ['connector', 'reason'],
      registers,
      async collect() {
        this.reset();
        for (const [slug, w] of await self.#webhooksBySlug()) {
          for (const [reason, n] of Object.entries(w.failures)) this.inc({ connector: slug, reason }, n);
        }
      },
    });
    new Gauge({
      name: 'bbk_catalog_records',
      help: 'Records in the catalog, by connector and entity type',
      labelNames: ['connector', 'entity_type'],
      registers,
      async collect() {
        this.reset();
        for (const r of (await self.#storeFigures()).records)
          this.set({ connector: r.connector, entity_type: r.type }, r.records);
      },
    });
    new Gauge({
      name: 'bbk_connector_live',
      help: '1 when the connector is live, 0 when staged',
      labelNames: ['connector'],
      registers,
      async collect() {
        this.reset();
        for (const r of (await self.#storeFigures()).records) this.set({ connector: r.connector }, r.live ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bbk_sessions_open',
      help: 'Open contribution sessions, by connector and mode',
      labelNames: ['connector', 'mode'],
      registers,
      async collect() {
        this.reset();
        for (const s of (await self.#storeFigures()).openSessions)
          this.set({ connector: s.connector, mode: s.mode }, 1);
      },
    });
    new Gauge({
      name: 'bbk_database_bytes',
      help: 'Size of the database file proper (pages x page size)',
      registers,
      async collect() {
        this.set((await self.#storeFigures()).databaseBytes);
      },
    });
    new Gauge({
      name: 'bbk_database_wal_bytes',
      help: 'Size of the write-ahead log file',
      registers,
      async collect() {
        this.set((await self.#storeFigures()).walBytes);
      },
    });
  }

  /** The latency series of one API surface (`coordinator`, `contributor`, `consumer`, `metrics`), for its request hook. */
  api(api: string): ApiLatency {
    return this.#latency.api(api);
  }

  /** A consumer call refused with 429. */
  rateLimited(policy: string, limit: 'rate' | 'quota'): void {
    this.#limited.inc({ policy, limit });
  }

  /** An accepted contributor call of the connector with this contribution id. */
  contribution(contributionId: string, what: keyof ContributionCounts, records = 1): void {
    let c = this.#contributions.get(contributionId);
    if (!c) {
      c = { upsert: 0, delete: 0, open: 0, commit: 0, rollback: 0 };
      this.#contributions.set(contributionId, c);
    }
    c[what] += records;
  }

  /** A webhook call's outcome (the WebhookClient's `onCall`). */
  webhookCall(connectorId: number, outcome: CallOutcome): void {
    let w = this.#webhooks.get(connectorId);
    if (!w) {
      w = { calls: 0, failures: { timeout: 0, status: 0, reply: 0, network: 0 } };
      this.#webhooks.set(connectorId, w);
    }
    w.calls += 1;
    if (!outcome.ok) w.failures[failureReason(outcome)] += 1;
  }

  /** The store's figures, read at most once per scrape (every gauge of one scrape shares them). */
  #storeFigures(): Promise<StoreFigures> {
    const now = Date.now();
    if (!this.#figures || now - this.#figures.at > 1000) this.#figures = { at: now, value: this.#store.figures() };
    return this.#figures.value;
  }

  async #contributionsBySlug(): Promise<Map<string, ContributionCounts>> {
    const out = new Map<string, ContributionCounts>();
    for (const [cid, counts] of this.#contributions) {
      let slug = this.#slugByCid.get(cid);
      if (slug === undefined) {
        slug = (await this.#store.connectors.getByContributionId(cid))?.slug;
        if (slug === undefined) continue; // deleted before its slug was ever looked up
        this.#slugByCid.set(cid, slug);
      }
      // a connector deleted and re-created under its slug has two contribution ids
      const seen = out.get(slug);
      out.set(slug, seen ? sumContributions(seen, counts) : counts);
    }
    return out;
  }

  async #webhooksBySlug(): Promise<Map<string, WebhookCounts>> {
    const out = new Map<string, WebhookCounts>();
    for (const [id, counts] of this.#webhooks) {
      let slug = this.#slugById.get(id);
      if (slug === undefined) {
        slug = (await this.#store.connectors.getById(id))?.slug;
        if (slug === undefined) continue;
        this.#slugById.set(id, slug);
      }
      const seen = out.get(slug);
      out.set(slug, seen ? sumWebhooks(seen, counts) : counts);
    }
    return out;
  }
}

function sumContributions(a: ContributionCounts, b: ContributionCounts): ContributionCounts {
  return {
    upsert: a.upsert + b.upsert,
    delete: a.delete + b.delete,
    open: a.open + b.open,
    commit: a.commit + b.commit,
    rollback: a.rollback + b.rollback,
  };
}

function sumWebhooks(a: WebhookCounts, b: WebhookCounts): WebhookCounts {
  const failures = { ...a.failures };
  for (const k of Object.keys(failures) as WebhookFailure[]) failures[k] += b.failures[k];
  return { calls: a.calls + b.calls, failures };
}
