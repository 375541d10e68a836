import type { AccessControl } from '../limits/index.js';
import { compileQuery, type FieldMask, type Ir, parseFieldMask, validateQueryValue } from '../query/index.js';
import type { PolicyDocument, PolicyRow } from '../storage/types.js';

/** A legal notice as stored in the policy (spec §2.6). */
export type LegalNotice = PolicyDocument['legal_context'][number];

/** Everything a consumer call needs from its policy, computed once per policy version. */
export interface CompiledPolicy {
  id: number;
  slug: string;
  version: number;
  /** The data segment as IR; ANDed with every read. Sees full records (no masks). */
  segment: Ir;
  /** Parsed `field_masks`; entries of unknown form are dropped (spec §4.5). */
  masks: FieldMask[];
  /** `legal_context` as stored. */
  legal: LegalNotice[];
  accessControl: AccessControl;
}

const NOTHING: Ir = { kind: 'const', value: false };
const EVERYTHING: Ir = { kind: 'const', value: true };

/**
 * The data segment of a policy as IR. `{}` is the whole catalog (a policy
 * that restricts nothing); a stored segment that no longer validates matches
 * nothing (fail closed: never widen access on bad data).
 * @example segmentIr({ type: 'country' })
 */
export function segmentIr(segmentQuery: unknown): Ir {
  const v = validateQueryValue(segmentQuery ?? {});
  if (!v.ok) return NOTHING;
  if (v.query.root === null) return Array.isArray(segmentQuery) ? NOTHING : EVERYTHING;
  return compileQuery(v.query);
}

/**
 * Parses `field_masks`, dropping entries that name no attribute.
 * @example parseMasks(['country.capital', 'country.instance.since', 'junk']) // two masks
 */
export function parseMasks(entries: unknown): FieldMask[] {
  if (!Array.isArray(entries)) return [];
  const masks: FieldMask[] = [];
  for (const e of entries) {
    const m = typeof e === 'string' ? parseFieldMask(e) : null;
    if (m) masks.push(m);
  }
  return masks;
}

/**
 * Compiles a policy row for consumer calls (spec §2.6, §4).
 * @example compilePolicy(await store.policies.get('over-a-billion'))
 */
export function compilePolicy(row: PolicyRow): CompiledPolicy {
  const doc = row.policy;
  const ac = doc.access_control ?? { enabled: false };
  return {
    id: row.id,
    slug: row.slug,
    version: row.version,
    segment: segmentIr(doc.data_segment?.segment_query),
    masks: parseMasks(doc.data_segment?.field_masks),
    legal: Array.isArray(doc.legal_context) ? doc.legal_context : [],
    accessControl: {
      enabled: ac.enabled === true,
      ...(typeof ac.rate === 'number' ? { rate: ac.rate } : {}),
      ...(ac.quota && typeof ac.quota.max_number === 'number'
        ? { quota: { max_number: ac.quota.max_number, interval_type: String(ac.quota.interval_type) } }
        : {}),
    },
  };
}
