import type { TokenStore } from '../store.js';
import type { TokenKind, TokenRow } from '../types.js';
import { isoNow, type PgDb } from './pg-database.js';

interface TokenRecord {
  key_id: string;
  kind: TokenKind;
  hash: Buffer;
  subject: number;
  revoked: string | null;
}

const REVOKE = 'UPDATE tokens SET revoked = $1 WHERE kind = $2 AND subject = $3 AND revoked IS NULL';

/** Tokens on PostgreSQL (hashes only); the same semantics as `sqlite/tokens.ts`. */
export class PgTokens implements TokenStore {
  constructor(private readonly db: PgDb) {}

  async insert(row: { keyId: string; kind: TokenKind; hash: Buffer; subject: number }): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query(REVOKE, [isoNow(), row.kind, row.subject]);
      await c.query('INSERT INTO tokens (key_id, kind, hash, subject, created) VALUES ($1, $2, $3, $4, $5)', [
        row.keyId,
        row.kind,
        row.hash,
        row.subject,
        isoNow(),
      ]);
    });
  }

  async get(keyId: string): Promise<TokenRow | undefined> {
    const r = (
      await this.db.query<TokenRecord>('SELECT key_id, kind, hash, subject, revoked FROM tokens WHERE key_id = $1', [
        keyId,
      ])
    ).rows[0];
    return r && { keyId: r.key_id, kind: r.kind, hash: r.hash, subject: r.subject, revoked: r.revoked !== null };
  }

  async revokeSubject(kind: TokenKind, subject: number): Promise<number> {
    return (await this.db.query(REVOKE, [isoNow(), kind, subject])).rowCount ?? 0;
  }

  async hasLive(kind: TokenKind, subject: number): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM tokens WHERE kind = $1 AND subject = $2 AND revoked IS NULL LIMIT 1', [
      kind,
      subject,
    ]);
    return r.rowCount !== 0;
  }
}
