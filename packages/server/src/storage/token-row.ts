import type { TokenKind, TokenRow } from './types.js';

/**
 * A token as both engines' `tokens.get` reads it: the token's columns, joined for a consumer token to its
 * access's policy head (`policy_*` null when the access or its policy is gone). `suspension` is read only by
 * a store several processes share (the access's stored suspension); absent, the head carries none.
 */
export interface StoredToken {
  key_id: string;
  kind: TokenKind;
  hash: Buffer;
  subject: number;
  revoked: string | null;
  expires: string | null;
  policy_id: number | null;
  policy_slug: string | null;
  policy_version: number | null;
  suspension?: string | null;
}

/** The `TokenRow` of a stored token; only a consumer token has `policy`. */
export function tokenRowOf(r: StoredToken): TokenRow {
  const row: TokenRow = {
    keyId: r.key_id,
    kind: r.kind,
    hash: r.hash,
    subject: r.subject,
    revoked: r.revoked !== null,
    expires: r.expires,
  };
  if (r.kind !== 'consumer') return row;
  row.policy =
    r.policy_id === null
      ? null
      : {
          id: r.policy_id,
          slug: r.policy_slug as string,
          version: r.policy_version as number,
          ...(r.suspension === undefined ? {} : { suspension: r.suspension }),
        };
  return row;
}
