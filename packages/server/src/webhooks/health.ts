import type { ConnectorHealth } from '@bbk/sdk/protocol';

/** Per-connector webhook figures: the wire type of `GET …/connector/:cid/health`, less its links. */
export type WebhookHealth = Omit<ConnectorHealth, 'id' | 'url' | 'webhook'>;

/** How one webhook call ended. */
export type CallOutcome =
  | { ok: true; latencyMs: number }
  | { ok: false; latencyMs: number; timeout: boolean; error: string };

function empty(): WebhookHealth {
  return {
    calls: 0,
    failures: 0,
    timeouts: 0,
    latency_ms_avg: 0,
    latency_ms_last: null,
    last_error: null,
    last_call: null,
    last_success: null,
    last_failure: null,
  };
}

/**
 * Per-connector webhook health, in memory (figures restart from zero with the
 * server). Keyed by connector row id, which is never reused.
 */
export class HealthBook {
  readonly #byConnector = new Map<number, { h: WebhookHealth; totalLatency: number }>();

  record(connectorId: number, outcome: CallOutcome, nowMs: number): void {
    let entry = this.#byConnector.get(connectorId);
    if (!entry) {
      entry = { h: empty(), totalLatency: 0 };
      this.#byConnector.set(connectorId, entry);
    }
    const { h } = entry;
    const at = new Date(nowMs).toISOString();
    const latency = Math.max(0, Math.round(outcome.latencyMs * 10) / 10);
    h.calls += 1;
    entry.totalLatency += latency;
    h.latency_ms_avg = Math.round((entry.totalLatency / h.calls) * 10) / 10;
    h.latency_ms_last = latency;
    h.last_call = at;
    if (outcome.ok) {
      h.last_success = at;
    } else {
      h.failures += 1;
      if (outcome.timeout) h.timeouts += 1;
      h.last_error = outcome.error;
      h.last_failure = at;
    }
  }

  /** A copy of the figures (zeros when the connector's webhook was never called). */
  get(connectorId: number): WebhookHealth {
    const entry = this.#byConnector.get(connectorId);
    return entry ? { ...entry.h } : empty();
  }

  /** Forgets a connector (e.g. after it is deleted). */
  forget(connectorId: number): void {
    this.#byConnector.delete(connectorId);
  }
}
