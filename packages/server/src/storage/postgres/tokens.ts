import type { AuditNote } from '../audit-store.js';
import { type NewToken, TOKEN_SUBJECTS, type TokenIssue, type TokenStore } from '../store.js';
import { type StoredToken, tokenRowOf } from '../token-row.js';
import type { TokenKind, TokenRow, TokenSummary, TokenUse } from '../types.js';
import type { PgAudit } from './audit.js';
import { isoNow, type PgDb, type Queryable } from './pg-database.js';

/**
 * A token, and for a consumer token its access's policy head with the access's stored suspension (what
 * `catalog.policyByAccess` gives, `TokenRow.policy`), in one statement: one round trip less per consumer call.
 * `keyId` is the placeholder of the key id (`$1`; the catalog's witnessed read numbers it after its own).
 */
export function tokenQuery(keyId: string): string {
  return `SELECT t.key_id, t.kind, t.hash, t.subject, t.revoked, t.expires,
    p.id AS policy_id, p.slug AS policy_slug, p.version AS policy_version,
    CASE WHEN g.suspended IS NOT NULL THEN coalesce(g.reason, 'suspended') END AS suspension
  FROM tokens t
  LEFT JOIN accesses a ON t.kind = 'consumer' AND a.id = t.subject
  LEFT JOIN policies p ON p.id = a.policy_id
  LEFT JOIN access_guards g ON g.access_id = a.id
  WHERE t.key_id = ${keyId}`;
}

const GET = tokenQuery('$1');

const REVOKE = 'UPDATE tokens SET revoked = $1 WHERE kind = $2 AND subject = $3 AND revoked IS NULL';

const INSERT = 'INSERT INTO tokens (key_id, kind, hash, subject, created, expires) VALUES ($1, $2, $3, $4, $5, $6)';

/** Inserts a minted token for its subject inside the caller's transaction `c` (creates issue their first this way). */
export async function insertToken(c: Queryable, row: NewToken & { kind: TokenKind; subject: number }): Promise<void> {
  await c.query(INSERT, [row.keyId, row.kind, row.hash, row.subject, isoNow(), row.expires ?? null]);
}

const LIVE = 'SELECT 1 FROM tokens WHERE kind = $1 AND subject = $2 AND revoked IS NULL LIMIT 1';

/** Per subject: the live token's expiry (newest first, should there be two) and the latest use of any of its tokens. */
const SUMMARIES = `
  SELECT t.subject,
         (SELECT l.expires FROM tokens l
           WHERE l.kind = t.kind AND l.subject = t.subject AND l.revoked IS NULL
           ORDER BY l.created DESC, l.key_id DESC LIMIT 1) AS expires,
         max(t.last_used) AS last_used
  FROM tokens t
  WHERE t.kind = $1 AND t.subject = ANY($2::integer[])
  GROUP BY t.kind, t.subject`;

/** Later uses only: several processes may write the same token's last use in any order. */
const USED = `UPDATE tokens t SET last_used = u.at
  FROM unnest($1::text[], $2::text[]) AS u(key_id, at)
  WHERE t.key_id = u.key_id AND (t.last_used IS NULL OR t.last_used < u.at)`;

/** Tokens on PostgreSQL (hashes only); the same semantics as `sqlite/tokens.ts`. */
export class PgTokens implements TokenStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async issue(
    row: NewToken & { kind: TokenKind; subject: number },
    options: { once?: boolean } = {},
    audit?: AuditNote<number>,
  ): Promise<TokenIssue> {
    const outcome = await this.audit.write(
      async (c): Promise<{ outcome: TokenIssue; revoked: number }> => {
        // the subject's row, locked until commit: issues for it take turns, and a delete waits (or went first)
        const subject = await c.query(`SELECT 1 FROM ${TOKEN_SUBJECTS[row.kind]} WHERE id = $1 FOR NO KEY UPDATE`, [
          row.subject,
        ]);
        if (subject.rowCount === 0) return { outcome: 'gone', revoked: 0 };
        // each statement below sees what the issue before this one committed
        if (options.once && ((await c.query(LIVE, [row.kind, row.subject])).rowCount ?? 0) > 0)
          return { outcome: 'exists', revoked: 0 };
        const revoked = (await c.query(REVOKE, [isoNow(), row.kind, row.subject])).rowCount ?? 0;
        await insertToken(c, row);
        return { outcome: 'issued', revoked };
      },
      audit && ((r) => (r.outcome === 'issued' ? audit(r.revoked) : undefined)),
    );
    return outcome.outcome;
  }

  async get(keyId: string): Promise<TokenRow | undefined> {
    const r = (await this.db.prepared<StoredToken>(GET, [keyId])).rows[0];
    return r && tokenRowOf(r);
  }

  async recordUses(uses: readonly TokenUse[]): Promise<void> {
    if (uses.length === 0) return;
    // one statement: a key used twice in the batch keeps its later time (max per key first)
    const latest = new Map<string, string>();
    for (const u of uses) if ((latest.get(u.keyId) ?? '') < u.at) latest.set(u.keyId, u.at);
    await this.db.query(USED, [[...latest.keys()], [...latest.values()]]);
  }

  async summaries(kind: TokenKind, subjects: readonly number[]): Promise<Map<number, TokenSummary>> {
    const found = new Map<number, TokenSummary>();
    if (subjects.length === 0) return found;
    const r = await this.db.query<{ subject: number; expires: string | null; last_used: string | null }>(SUMMARIES, [
      kind,
      [...subjects],
    ]);
    for (const row of r.rows) found.set(row.subject, { expires: row.expires, lastUsed: row.last_used });
    return found;
  }

  async revokeSubject(kind: TokenKind, subject: number, audit?: AuditNote<number>): Promise<number> {
    return this.audit.write(async (c) => (await c.query(REVOKE, [isoNow(), kind, subject])).rowCount ?? 0, audit);
  }

  async hasLive(kind: TokenKind, subject: number): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM tokens WHERE kind = $1 AND subject = $2 AND revoked IS NULL LIMIT 1', [
      kind,
      subject,
    ]);
    return r.rowCount !== 0;
  }
}
