import type { LegalNotice } from '../../policy/index.js';
import { rewriteLinks } from '../../policy/index.js';
import type { RecordDetail, RecordPage } from '../../services/catalog.js';
import type { VisibleEntityType } from '../../storage/catalog-store.js';

/** The Consumer API's wire views (spec §4.2, §4.4): absolute URLs built per request (§1.2). */

const recordUrl = (route: string, type: string, id: string) => `${route}/entity/${type}/${id}`;

/** A list item of `/catalog` and `/entity/:type`, with the policy's legal notices. */
export function recordItemsView(route: string, page: RecordPage) {
  return page.rows.map((r) => ({
    id: r.publicId,
    url: recordUrl(route, r.type, r.publicId),
    type: r.type,
    name: r.name,
    legal: page.legal as LegalNotice[],
    // `?fields=` (bbk extension): bbk links rewritten as in the detail
    ...(r.fields ? { fields: rewriteLinks(r.fields, route) } : {}),
  }));
}

/** A list item of `/entity`. */
export function entityTypeItemsView(route: string, rows: readonly VisibleEntityType[]) {
  return rows.map((e) => ({ id: e.slug, url: `${route}/entity/${e.slug}`, name: e.name, description: e.description }));
}

/** `/entity/:type/:id`: bbk links rewritten (detail only, spec §4.4 step 5), a URL per timeseries. */
export function recordDetailView(route: string, d: RecordDetail) {
  const { record } = d;
  const url = recordUrl(route, record.type, record.publicId);
  const timeseries: Record<string, unknown> = {};
  for (const [tsid, decl] of Object.entries(d.timeseries))
    timeseries[tsid] = { ...decl, url: `${url}/timeseries/${tsid}` };
  return {
    id: record.publicId,
    url,
    type: record.type,
    name: record.name,
    entity: rewriteLinks(d.entity, route),
    instance: rewriteLinks(d.instance, route),
    timeseries,
    legal: d.legal,
  };
}
