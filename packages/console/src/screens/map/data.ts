import type { CatalogItem, ConsumerClient, Query } from '@bbk/sdk/browser';
import { findGeometry, type Placed, placeItem } from './geometry.js';

/** At most this many records are placed on the map for one query. */
export const MAX_ON_MAP = 2000;
const PAGE = 250;

/**
 * The records of a query with the values at the geometry `paths` (the Consumer API's `fields`: one request a page,
 * the policy's masks applied by the server, so a masked location never arrives), paged up to MAX_ON_MAP.
 * `progress` reports each page as it arrives.
 */
export async function queryAll(
  api: ConsumerClient,
  query: Record<string, unknown>,
  paths: readonly string[],
  progress: (items: CatalogItem[]) => void = () => {},
): Promise<CatalogItem[]> {
  const items: CatalogItem[] = [];
  const fields = paths.length > 0 ? { fields: paths } : {};
  for (let offset = 0; offset < MAX_ON_MAP; offset += PAGE) {
    const page = await api.catalog(query as Query, { limit: PAGE, offset, ...fields });
    items.push(...page);
    progress(items);
    if (page.length < PAGE) break;
  }
  return items;
}

/** The records of `items` that have a geometry at one of `paths`, and the first such path (for `$near`/`$within`). */
export function placeAll(
  items: readonly CatalogItem[],
  paths: readonly string[],
): { placed: Placed[]; path: string | null } {
  const placed: Placed[] = [];
  let path: string | null = null;
  for (const item of items) {
    const found = placeItem(item, paths);
    if (!found) continue;
    placed.push(found.placed);
    path ??= found.path;
  }
  return { placed, path };
}

/**
 * The entity types whose records have a location, and where (`entity.location`): judged from the first
 * record of each visible type (one detail read a type), so types without geometries are not queried on the map.
 * `paths` are the distinct geometry paths found, for the lists' `fields`.
 */
export async function geoTypes(api: ConsumerClient): Promise<{ types: string[]; paths: string[] }> {
  const visible = await api.entityTypes();
  const found = await Promise.all(
    visible.map(async (t) => {
      const [first] = await api.entities(t.id, { limit: 1 });
      return first ? findGeometry((await api.entity(t.id, first.id)).entity) : undefined;
    }),
  );
  const types = visible.filter((_, i) => found[i]).map((t) => t.id);
  const paths = [...new Set(found.flatMap((g) => (g ? [g.path] : [])))];
  return { types, paths };
}
