import type { WithToken } from '../../services/token-facts.js';
import type { AccessRow, ConnectorRow, EntityTypeRow, PolicyRow, TokenSummary, UserRow } from '../../storage/types.js';

/** Wire views of coordinator resources (spec §2.3–§2.7). `route` = `{proto}://{host}/{base}`. */

export function userView(route: string, u: UserRow, detail = false) {
  const view = {
    id: u.id,
    url: `${route}/user/${u.id}`,
    name: u.name,
    email: u.email,
    organization: u.organization,
    coordinator: u.coordinator,
    accesses: u.accesses.map((p) => ({ id: p, url: `${route}/user/${u.id}/access/${p}` })),
  };
  return detail ? { ...view, addendum: u.addendum } : view;
}

export function entityTypeView(route: string, e: EntityTypeRow, detail = false) {
  const view = {
    id: e.slug,
    url: `${route}/entity/${e.slug}`,
    name: e.name,
    description: e.description,
    icon: e.icon,
    tags: e.tags,
  };
  if (!detail) return view;
  return { ...view, schema: e.schema, timeseries: e.timeseries, ...(e.indexes.length ? { indexes: e.indexes } : {}) };
}

/** The token facts of access and connector views (bbk extension, docs/DECISIONS.md). */
function tokenFacts(t: TokenSummary) {
  return { expires: t.expires, last_used: t.lastUsed };
}

export function connectorView(route: string, c: WithToken<ConnectorRow>, detail = false) {
  const url = `${route}/entity/${c.entityType}/connector/${c.slug}`;
  const view = { id: c.slug, url, name: c.name, description: c.description };
  if (!detail) return { ...view, ...tokenFacts(c.token) };
  return {
    ...view,
    entity: { id: c.entityType, url: `${route}/entity/${c.entityType}` },
    contribution_id: c.contributionId,
    webhook: c.webhook,
    cache: c.cache,
    is_live: c.isLive,
    in_session: c.inSession,
    ...tokenFacts(c.token),
  };
}

export function policyView(route: string, p: PolicyRow, detail = false) {
  const view = { id: p.slug, url: `${route}/policy/${p.slug}`, name: p.name, description: p.description, tags: p.tags };
  return detail ? { ...view, policy: p.policy } : view;
}

export function accessView(route: string, a: WithToken<AccessRow>) {
  return {
    id: a.policy,
    url: `${route}/user/${a.userId}/access/${a.policy}`,
    policy: { id: a.policy, url: `${route}/policy/${a.policy}` },
    created: a.created,
    ...tokenFacts(a.token),
  };
}
