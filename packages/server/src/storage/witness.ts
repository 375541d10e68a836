import type { AdmissionWitness, CatalogRecord, PolicyHead, WitnessedRecord } from './catalog-store.js';
import { type StoredToken, tokenRowOf } from './token-row.js';

/**
 * The witness's columns beside the record's in a witnessed read (`recordWitnessed` of both engines): a token
 * as `tokens.get` reads it, or a policy head under the same `policy_*` names; all null when it is gone.
 */
export type WitnessColumns = { [K in keyof StoredToken]-?: StoredToken[K] | null };

/** The SELECT list of a policy witness: the head under the token read's column names. */
export const POLICY_WITNESS_COLUMNS = 'id AS policy_id, slug AS policy_slug, version AS policy_version';

/** A witnessed read's answer from its row's witness columns. */
export function witnessedRecord(
  record: CatalogRecord | undefined,
  witness: AdmissionWitness,
  row: WitnessColumns,
): WitnessedRecord {
  if ('keyId' in witness) return row.key_id === null ? { record } : { record, token: tokenRowOf(row as StoredToken) };
  return row.policy_id === null
    ? { record }
    : { record, policy: { id: row.policy_id, slug: row.policy_slug!, version: row.policy_version! } };
}

/**
 * A witnessed read's answer when no record could be read with the witness (a segment that matches nothing,
 * an id the engine cannot hold): the witness read alone, `found` (the token's row or the policy's head),
 * absent when it is gone.
 */
export function witnessAlone(witness: AdmissionWitness, found: StoredToken | PolicyHead | undefined): WitnessedRecord {
  if (!found) return { record: undefined };
  return 'keyId' in witness
    ? { record: undefined, token: tokenRowOf(found as StoredToken) }
    : { record: undefined, policy: found as PolicyHead };
}
