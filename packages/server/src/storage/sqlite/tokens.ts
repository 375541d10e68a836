import type { Statement } from 'better-sqlite3';
import type { AuditNote } from '../audit-store.js';
import { type NewToken, TOKEN_SUBJECTS, type TokenIssue, type TokenStore } from '../store.js';
import { type StoredToken, tokenRowOf } from '../token-row.js';
import type { TokenKind, TokenRow, TokenSummary, TokenUse } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { type Db, isoNow } from './database.js';
import type { WriteGate } from './write-gate.js';

/** A token, and for a consumer token its access's policy head (`TokenRow.policy`), in one statement. */
export const GET = `SELECT t.key_id, t.kind, t.hash, t.subject, t.revoked, t.expires,
    p.id AS policy_id, p.slug AS policy_slug, p.version AS policy_version
  FROM tokens t
  LEFT JOIN accesses a ON t.kind = 'consumer' AND a.id = t.subject
  LEFT JOIN policies p ON p.id = a.policy_id
  WHERE t.key_id = ?`;

interface SummaryRecord {
  subject: number;
  expires: string | null;
  last_used: string | null;
}

/** Per subject: the live token's expiry (newest first, should there be two) and the latest use of any of its tokens. */
const SUMMARIES = `
  SELECT t.subject,
         (SELECT l.expires FROM tokens l
           WHERE l.kind = t.kind AND l.subject = t.subject AND l.revoked IS NULL
           ORDER BY l.created DESC, l.rowid DESC LIMIT 1) AS expires,
         max(t.last_used) AS last_used
  FROM tokens t
  WHERE t.kind = ? AND t.subject IN (SELECT value FROM json_each(?))
  GROUP BY t.subject`;

export class SqliteTokens implements TokenStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      insert: db.prepare(
        'INSERT INTO tokens (key_id, kind, hash, subject, created, expires) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], StoredToken>(GET),
      revoke: db.prepare('UPDATE tokens SET revoked = ? WHERE kind = ? AND subject = ? AND revoked IS NULL'),
      live: db.prepare<[string, number], { n: number }>(
        'SELECT count(*) AS n FROM tokens WHERE kind = ? AND subject = ? AND revoked IS NULL',
      ),
      used: db.prepare<[string, string, string]>(
        'UPDATE tokens SET last_used = ? WHERE key_id = ? AND (last_used IS NULL OR last_used < ?)',
      ),
      summaries: db.prepare<[string, string], SummaryRecord>(SUMMARIES),
      subjects: Object.fromEntries(
        Object.entries(TOKEN_SUBJECTS).map(([kind, table]) => [
          kind,
          db.prepare<[number], unknown>(`SELECT 1 FROM ${table} WHERE id = ?`),
        ]),
      ) as Record<TokenKind, Statement<[number], unknown>>,
    };
  }

  async issue(
    row: NewToken & { kind: TokenKind; subject: number },
    options: { once?: boolean } = {},
    audit?: AuditNote<number>,
  ): Promise<TokenIssue> {
    // writes take turns (the gate, BEGIN IMMEDIATE): the checks and the write see one state
    const issue = (): { outcome: TokenIssue; revoked: number } => {
      if (!this.q.subjects[row.kind].get(row.subject)) return { outcome: 'gone', revoked: 0 };
      if (options.once && this.q.live.get(row.kind, row.subject)!.n > 0) return { outcome: 'exists', revoked: 0 };
      const revoked = this.q.revoke.run(isoNow(), row.kind, row.subject).changes;
      this.q.insert.run(row.keyId, row.kind, row.hash, row.subject, isoNow(), row.expires ?? null);
      return { outcome: 'issued', revoked };
    };
    const note =
      audit &&
      ((r: { outcome: TokenIssue; revoked: number }) => (r.outcome === 'issued' ? audit(r.revoked) : undefined));
    return (await this.gate.write(this.audit.with(issue, note))).outcome;
  }

  async get(keyId: string): Promise<TokenRow | undefined> {
    const r = this.q.get.get(keyId);
    return r && tokenRowOf(r);
  }

  async recordUses(uses: readonly TokenUse[]): Promise<void> {
    if (uses.length === 0) return;
    await this.gate.write(() => {
      for (const u of uses) this.q.used.run(u.at, u.keyId, u.at);
    });
  }

  async summaries(kind: TokenKind, subjects: readonly number[]): Promise<Map<number, TokenSummary>> {
    const found = new Map<number, TokenSummary>();
    if (subjects.length === 0) return found;
    for (const r of this.q.summaries.all(kind, JSON.stringify(subjects))) {
      found.set(r.subject, { expires: r.expires, lastUsed: r.last_used });
    }
    return found;
  }

  async revokeSubject(kind: TokenKind, subject: number, audit?: AuditNote<number>): Promise<number> {
    return this.gate.write(this.audit.with(() => this.q.revoke.run(isoNow(), kind, subject).changes, audit));
  }

  async hasLive(kind: TokenKind, subject: number): Promise<boolean> {
    return (this.q.live.get(kind, subject)?.n ?? 0) > 0;
  }
}
