import type { TokenKind } from '../storage/types.js';

/** Who is calling, established once per request in production mode. */
export interface Caller {
  kind: TokenKind;
  /** users.id (coordinator), connectors.id (contributor), accesses.id (consumer) */
  subject: number;
}
