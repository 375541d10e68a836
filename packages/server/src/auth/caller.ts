import type { PolicyHead } from '../storage/catalog-store.js';
import type { TokenKind, TokenRow } from '../storage/types.js';

/** Who is calling, established once per request in production mode. */
export interface Caller {
  kind: TokenKind;
  /** users.id (coordinator), connectors.id (contributor), accesses.id (consumer) */
  subject: number;
  /**
   * A consumer: the head of its access's policy as read with its token (`null`: the access or policy is
   * gone), so the call needs no second lookup. Absent for other kinds.
   */
  policy?: PolicyHead | null;
  /**
   * Set when the token was checked against the row this process remembers, not read from the database:
   * that row, which the call's witnessed read must confirm (auth/remembered.ts).
   */
  remembered?: TokenRow;
}
