import type { AuditNote } from '../audit-store.js';
import type { TokenStore } from '../store.js';
import type { TokenKind, TokenRow } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { type Db, isoNow } from './database.js';
import type { WriteGate } from './write-gate.js';

interface TokenRecord {
  key_id: string;
  kind: TokenKind;
  hash: Buffer;
  subject: number;
  revoked: string | null;
}

export class SqliteTokens implements TokenStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      insert: db.prepare('INSERT INTO tokens (key_id, kind, hash, subject, created) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare<[string], TokenRecord>(
        'SELECT key_id, kind, hash, subject, revoked FROM tokens WHERE key_id = ?',
      ),
      revoke: db.prepare('UPDATE tokens SET revoked = ? WHERE kind = ? AND subject = ? AND revoked IS NULL'),
      live: db.prepare<[string, number], { n: number }>(
        'SELECT count(*) AS n FROM tokens WHERE kind = ? AND subject = ? AND revoked IS NULL',
      ),
    };
  }

  async insert(
    row: { keyId: string; kind: TokenKind; hash: Buffer; subject: number },
    audit?: AuditNote<number>,
  ): Promise<void> {
    const insert = () => {
      const revoked = this.q.revoke.run(isoNow(), row.kind, row.subject).changes;
      this.q.insert.run(row.keyId, row.kind, row.hash, row.subject, isoNow());
      return revoked;
    };
    await this.gate.write(this.audit.with(insert, audit));
  }

  async get(keyId: string): Promise<TokenRow | undefined> {
    const r = this.q.get.get(keyId);
    return r && { keyId: r.key_id, kind: r.kind, hash: r.hash, subject: r.subject, revoked: r.revoked !== null };
  }

  async revokeSubject(kind: TokenKind, subject: number, audit?: AuditNote<number>): Promise<number> {
    return this.gate.write(this.audit.with(() => this.q.revoke.run(isoNow(), kind, subject).changes, audit));
  }

  async hasLive(kind: TokenKind, subject: number): Promise<boolean> {
    return (this.q.live.get(kind, subject)?.n ?? 0) > 0;
  }
}
