import type { CatalogItem, ConsumerClient, Query } from '@bbk/sdk/browser';
import { findGeometry, type Placed } from './geometry.js';

/** At most this many records are placed on the map for one query. */
export const MAX_ON_MAP = 2000;
const PAGE = 250;
const PARALLEL = 6;

/** The records of a query, paged through the Consumer API (up to MAX_ON_MAP). */
export async function queryAll(api: ConsumerClient, query: Record<string, unknown>): Promise<CatalogItem[]> {
  const items: CatalogItem[] = [];
  for (let offset = 0; offset < MAX_ON_MAP; offset += PAGE) {
    const page = await api.catalog(query as Query, { limit: PAGE, offset });
    items.push(...page);
    if (page.length < PAGE) break;
  }
  return items;
}

/**
 * Each record's geometry, read from its detail (as the policy shows it: a masked location is not placed).
 * Details already read are kept in `cache`; `progress` reports as they arrive.
 */
export async function placeAll(
  api: ConsumerClient,
  items: CatalogItem[],
  cache: Map<string, Placed | null>,
  progress: (done: number, placed: () => Placed[]) => void,
): Promise<{ placed: Placed[]; path: string | null }> {
  let next = 0;
  let done = 0;
  let path: string | null = null;
  const placed = () => items.map((i) => cache.get(i.id)).filter((p): p is Placed => Boolean(p));
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as CatalogItem;
      if (!cache.has(item.id)) {
        const detail = await api.entity(item.type, item.id);
        const g = findGeometry(detail.entity);
        cache.set(item.id, g ? { id: item.id, type: item.type, name: item.name, at: g.at } : null);
        if (g) path ??= g.path;
      }
      progress(++done, placed);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { placed: placed(), path };
}

/**
 * The entity types whose records have a location, and where (`entity.location`): judged from the first
 * record of each visible type, so types without geometries cost no detail reads on the map.
 */
export async function geoTypes(api: ConsumerClient): Promise<{ types: string[]; path: string | null }> {
  const visible = await api.entityTypes();
  const found = await Promise.all(
    visible.map(async (t) => {
      const [first] = await api.entities(t.id, { limit: 1 });
      return first ? findGeometry((await api.entity(t.id, first.id)).entity) : undefined;
    }),
  );
  const types = visible.filter((_, i) => found[i]).map((t) => t.id);
  return { types, path: found.find(Boolean)?.path ?? null };
}
