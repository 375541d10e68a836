import type { CatalogItem, ConsumerClient, Query } from '@bbk/sdk/browser';
import { findGeometry, type Placed, placeItem } from './geometry.js';

/** At most this many records are placed on the map for one query. */
export const MAX_ON_MAP = 2000;
const PAGE = 250;
const PARALLEL = 3;

/**
 * The records of a query with the values at the geometry `paths` (the Consumer API's `fields`: one request a page,
 * the policy's masks applied by the server, so a masked location never arrives), paged up to MAX_ON_MAP, three
 * pages in flight (at most two past the end are asked for nothing). `progress` reports the records of the pages
 * so far, in catalog order, as they arrive.
 */
export async function queryAll(
  api: ConsumerClient,
  query: Record<string, unknown>,
  paths: readonly string[],
  progress: (items: CatalogItem[]) => void = () => {},
): Promise<CatalogItem[]> {
  const fields = paths.length > 0 ? { fields: paths } : {};
  const pages: CatalogItem[][] = [];
  let next = 0;
  let last = Math.ceil(MAX_ON_MAP / PAGE) - 1;
  const inOrder = () => {
    const items: CatalogItem[] = [];
    for (let i = 0; i <= last && pages[i]; i++) items.push(...(pages[i] as CatalogItem[]));
    return items;
  };
  const worker = async () => {
    for (let i = next++; i <= last; i = next++) {
      const page = await api.catalog(query as Query, { limit: PAGE, offset: i * PAGE, ...fields });
      pages[i] = page;
      if (page.length < PAGE) last = Math.min(last, i);
      progress(inOrder());
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return inOrder();
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
 * The entity types whose records have a location, and where (`entity.location`): judged from the stored entity of
 * the first record of each visible type (`fields=entity`, masks applied, no webhook call), so types without
 * geometries are not queried on the map. `paths` are the distinct geometry paths found, for the lists' `fields`.
 */
export async function geoTypes(api: ConsumerClient): Promise<{ types: string[]; paths: string[] }> {
  const visible = await api.entityTypes();
  const found = await Promise.all(
    visible.map(async (t) => {
      const [first] = await api.entities(t.id, { limit: 1, fields: ['entity'] });
      return first ? findGeometry(first.fields?.entity) : undefined;
    }),
  );
  const types = visible.filter((_, i) => found[i]).map((t) => t.id);
  const paths = [...new Set(found.flatMap((g) => (g ? [g.path] : [])))];
  return { types, paths };
}
