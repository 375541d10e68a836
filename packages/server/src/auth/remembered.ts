import { Lru } from '../query/lru.js';
import type { AdmissionWitness, PolicyHead, WitnessedRecord } from '../storage/catalog-store.js';
import type { TokenRow } from '../storage/types.js';

/** Consumer tokens and development policies remembered per process (each map's bound). */
const REMEMBERED = 4096;

/**
 * A call admitted from remembered state turned out to be admitted on state that has changed (or that
 * cannot be confirmed before the call has effects): the route admits it again from the database.
 */
export class AdmissionChanged extends Error {
  constructor() {
    super('the remembered admission changed');
    this.name = 'AdmissionChanged';
  }
}

/** What a call was admitted on from memory, and the witnessed read that must find it unchanged. */
export interface RememberedAdmission {
  witness: AdmissionWitness;
  /** The token row (production) or policy head (development) the call was admitted on. */
  expected: TokenRow | PolicyHead;
}

const samePolicy = (a: PolicyHead | null | undefined, b: PolicyHead | null | undefined): boolean =>
  a === b ||
  (a != null &&
    b != null &&
    a.id === b.id &&
    a.slug === b.slug &&
    a.version === b.version &&
    (a.suspension ?? null) === (b.suspension ?? null));

const sameToken = (a: TokenRow, b: TokenRow): boolean =>
  a.keyId === b.keyId &&
  a.kind === b.kind &&
  a.hash.equals(b.hash) &&
  a.subject === b.subject &&
  a.revoked === b.revoked &&
  a.expires === b.expires &&
  samePolicy(a.policy, b.policy);

/**
 * Remembered admissions (a store several processes share; docs/POSTGRES.md, "One round trip per entity
 * detail"). An entity detail on PostgreSQL was two round trips: the caller's token (production) or policy
 * (development), then the record. This process remembers the token rows and policy heads it last read;
 * a detail admitted from them reads the record together with the current token or policy (the store's
 * `recordWitnessed`, one statement, one snapshot) and is served only when they are exactly what the
 * call was admitted on. Otherwise the memory is dropped and the call is admitted again from the
 * database, so a rescinded token, a changed or deleted policy or a suspension still applies to the very
 * next request on every process. Only calls without side effects before their read are admitted this
 * way: a policy with a rate or a quota counts the call first, so its calls never are.
 */
export class RememberedAdmissions {
  readonly #tokens = new Lru<string, TokenRow>(REMEMBERED);
  readonly #policies = new Lru<string, PolicyHead>(REMEMBERED);

  /** Notes a token row read from the database; only a live consumer token with a policy, not suspended. */
  rememberToken(row: TokenRow): void {
    if (row.kind === 'consumer' && !row.revoked && row.policy && row.policy.suspension == null)
      this.#tokens.set(row.keyId, row);
    else this.#tokens.delete(row.keyId);
  }

  token(keyId: string): TokenRow | undefined {
    return this.#tokens.get(keyId);
  }

  /** Notes a policy head read by slug from the database (undefined: there is none). */
  rememberPolicy(slug: string, head: PolicyHead | undefined): void {
    if (head) this.#policies.set(slug, head);
    else this.#policies.delete(slug);
  }

  policy(slug: string): PolicyHead | undefined {
    return this.#policies.get(slug);
  }

  /**
   * Whether the witnessed read found the state `admission` was made on; when not, the memory of it is
   * replaced by what the read found.
   */
  confirm(admission: RememberedAdmission, read: WitnessedRecord): boolean {
    const { witness } = admission;
    if ('keyId' in witness) {
      if (read.token && sameToken(admission.expected as TokenRow, read.token)) return true;
      if (read.token) this.rememberToken(read.token);
      else this.#tokens.delete(witness.keyId);
      return false;
    }
    if (samePolicy(admission.expected as PolicyHead, read.policy)) return true;
    this.rememberPolicy(witness.policySlug, read.policy);
    return false;
  }
}
