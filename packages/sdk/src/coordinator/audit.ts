import type { HttpClient } from '../client.js';
import type { AuditEntry, AuditQuery, AuditVerdict } from '../protocol/audit.js';

/** The largest page of `GET /audit`. */
export const MAX_AUDIT_PAGE = 1000;

function queryOf(q: AuditQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = String(v);
  return out;
}

/**
 * The audit trail (bbk extension, docs/AUDIT.md): hash-chained entries of every coordinator change,
 * token issue/reissue/rescind, session commit/rollback and per-minute consumer activity.
 * @example for await (const page of coordinator.audit.pages({ target: 'policy' })) console.log(page.length);
 * @example const verdict = await coordinator.audit.verify(); if (!verdict.intact) console.log(verdict.broken.seq);
 */
export class AuditApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /audit`: one page, oldest first unless `order: 'desc'`; page on with `after` (or `before`). */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return (await this.http.request<AuditEntry[]>({ method: 'GET', path: '/audit', query: queryOf(query) })).body;
  }

  /**
   * Every matching entry from `after` on (oldest first), page by page.
   * @example for await (const page of coordinator.audit.pages({ actor: 'coordinator:1' })) all.push(...page);
   */
  async *pages(query: Omit<AuditQuery, 'order' | 'before'> = {}): AsyncGenerator<AuditEntry[]> {
    const limit = query.limit ?? MAX_AUDIT_PAGE;
    let after = query.after;
    for (;;) {
      const page = await this.list({ ...query, limit, ...(after === undefined ? {} : { after }), order: 'asc' });
      if (page.length > 0) yield page;
      if (page.length < limit) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /** `GET /audit/verify`: whether the chain is intact, else its first broken entry and why. */
  async verify(): Promise<AuditVerdict> {
    return (await this.http.request<AuditVerdict>({ method: 'GET', path: '/audit/verify' })).body;
  }
}
