import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { AuditNote } from '../storage/audit-store.js';
import type { PolicyHead } from '../storage/catalog-store.js';
import type { Store } from '../storage/store.js';
import type { TokenKind, TokenRow } from '../storage/types.js';

const KINDS: readonly TokenKind[] = ['coordinator', 'contributor', 'consumer'];

/** 256-bit secrets, 128-bit key ids, both base64url. */
const SECRET_BYTES = 32;
const KEY_ID_BYTES = 16;

function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** A random base64url string of `bytes` bytes of entropy. */
export function randomToken(bytes = SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

/** A freshly minted token: the text shown once, and what may be stored. */
export interface MintedToken {
  token: string;
  keyId: string;
  kind: TokenKind;
  hash: Buffer;
}

/**
 * Mints a token `<kind>.<key id>.<secret>` (three base64url parts, so it
 * passes the original's shape check). Only `hash` may be stored.
 * @example mintToken('consumer').token // 'consumer.3q2-….Zm9v…'
 */
export function mintToken(kind: TokenKind): MintedToken {
  const keyId = randomToken(KEY_ID_BYTES);
  const secret = randomToken(SECRET_BYTES);
  return { token: `${kind}.${keyId}.${secret}`, keyId, kind, hash: hashSecret(secret) };
}

/** Options of {@link issueToken}. */
export interface IssueOptions {
  /** ISO-8601 UTC expiry; absent or `null`: the token never expires. */
  expires?: string | null;
  /** Only when the subject has no live token of the kind (a promotion): else 409. */
  once?: boolean;
  /** Given the number of tokens revoked; its entries commit with the token. */
  audit?: AuditNote<number>;
}

/**
 * Issues a token for an existing subject, revoking its previous one in the same transaction (promote, reissue,
 * bootstrap; `TokenStore.issue`): 404 when the subject is gone by then (deleted meanwhile), 409 with `once` when it
 * has a live token. `audit` is given the number of tokens revoked and its entries commit with the token.
 * @example await issueToken(store, 'consumer', access.id, { expires: '2030-01-01T00:00:00.000Z' })
 */
export async function issueToken(
  store: Store,
  kind: TokenKind,
  subject: number,
  { expires = null, once = false, audit }: IssueOptions = {},
): Promise<string> {
  const minted = mintToken(kind);
  const outcome = await store.tokens.issue(
    { keyId: minted.keyId, kind, hash: minted.hash, subject, expires },
    { once },
    audit,
  );
  if (outcome === 'gone') throw new ApiError('NOT_FOUND');
  if (outcome === 'exists') throw new ApiError('CONFLICT');
  return minted.token;
}

/**
 * The outcome of a token check. A refusal may say why (`expired`), so that the 401 can tell the
 * caller; other refusals say nothing that could help guess a token. An accepted token brings the row
 * it was checked against (what a remembered admission keeps, auth/remembered.ts).
 */
export type TokenCheck =
  | { ok: true; kind: TokenKind; subject: number; keyId: string; policy?: PolicyHead | null; row: TokenRow }
  | { ok: false; status: 401 | 403; reason?: 'expired' };

const SHAPE = /^([a-z]+)\.([A-Za-z0-9_-]{10,64})\.([A-Za-z0-9_-]{20,128})$/;

/** A presented token's parts, or undefined when it cannot be one (no row is read for it). */
export interface PresentedToken {
  kind: TokenKind;
  keyId: string;
  secret: string;
}

/** Splits a presented token `<kind>.<key id>.<secret>`; undefined when malformed or of no known kind. */
export function presentedToken(token: string | undefined): PresentedToken | undefined {
  if (!token) return undefined;
  const m = SHAPE.exec(token);
  if (!m) return undefined;
  const [, kind, keyId, secret] = m as unknown as [string, TokenKind, string, string];
  return KINDS.includes(kind) ? { kind, keyId, secret } : undefined;
}

/**
 * Checks a presented token against its stored row (undefined: none): unknown or wrong secret → 401;
 * a revoked one → 403 (spec §6.1); one past its expiry at `now` (ms) → 401, reason `expired`. The
 * secret's hash is compared in constant time, also when there is no row.
 */
export function checkToken(presented: PresentedToken, row: TokenRow | undefined, now: number): TokenCheck {
  const hashed = hashSecret(presented.secret);
  // compare even when the row is missing so timing does not reveal key ids
  const expected = row?.hash.length === hashed.length ? row.hash : Buffer.alloc(hashed.length);
  const match = timingSafeEqual(hashed, expected) && row !== undefined && row.kind === presented.kind;
  if (!match || !row) return { ok: false, status: 401 };
  if (row.revoked) return { ok: false, status: 403 };
  if (row.expires !== null && !(Date.parse(row.expires) > now)) return { ok: false, status: 401, reason: 'expired' };
  // a consumer token brings its access's policy head, read with it (TokenRow.policy)
  return { ok: true, kind: row.kind, subject: row.subject, keyId: row.keyId, policy: row.policy, row };
}

/**
 * Checks a presented token against the store's row for its key id (see {@link checkToken}); `seen` is given
 * that row whatever the outcome (what remembered admissions keep, auth/remembered.ts).
 */
export async function verifyToken(
  store: Store,
  token: string | undefined,
  now: number,
  seen?: (row: TokenRow) => void,
): Promise<TokenCheck> {
  const presented = presentedToken(token);
  if (!presented) return { ok: false, status: 401 };
  const row = await store.tokens.get(presented.keyId);
  if (row) seen?.(row);
  return checkToken(presented, row, now);
}

/** sha1 hex, as the original derives contribution ids and public ids (spec §2.5, §3.3). */
export function sha1Hex(text: string): string {
  return hash('sha1', text, 'hex');
}
