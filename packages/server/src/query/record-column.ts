import type { FieldRef } from './ir.js';

/**
 * The records column that holds a field, read instead of the document by both renderers, or undefined: `type`,
 * which the server writes into both from the entity type (services/sessions.ts), so it is always text and always
 * equal. A segment `{type: 'country'}` then costs a column compare per row (and can use `records_type`) instead of
 * reading every document. `name` stays in the document: automatic indexes and the trigram index are built on its
 * path.
 */
export function recordColumn(f: FieldRef): 'type' | undefined {
  return f.path.length === 1 && f.path[0] === 'type' && f.without.length === 0 ? 'type' : undefined;
}
