/** The stored record's keys in the order the spec gives them (§3.4); others (none today) follow. */
const ORDER = ['id', 'name', 'entity', 'instance', 'type', 'timeseries'] as const;

/**
 * A stored document with its top-level keys back in the order bbk wrote them: `jsonb` keeps
 * object keys shorter-first, so `{id, name, type, entity, …}` would come back reordered.
 * Keys nested inside `entity` and `instance` stay in `jsonb` order (docs/POSTGRES.md).
 */
export function inStoredOrder<T extends object>(doc: T): T {
  const out: Record<string, unknown> = {};
  const from = doc as Record<string, unknown>;
  for (const key of ORDER) if (key in from) out[key] = from[key];
  for (const key of Object.keys(from)) if (!(key in out)) out[key] = from[key];
  return out as T;
}
