// Shared by the store contract suites: building rows the way the services hand them over.
import { type PreparedRecord, preparedGeometries } from '../records-store.js';
import type { NewToken, Store } from '../store.js';
import type { EntityTypeValues, PolicyValues } from '../types.js';

/** Opens a fresh, empty store of the engine under test. */
export type StoreFactory = () => Promise<Store>;

/** What an engine cannot do, each with the reason; the suite expects the documented refusal instead. */
export interface EngineLimits {
  /** U+0000 inside a stored string. */
  nulInText?: string;
}

export const TYPE: EntityTypeValues = {
  name: 'Country',
  description: 'countries',
  schema: {},
  timeseries: {},
  tags: ['geo', 'places'],
  icon: '',
  indexes: [],
};

export function policyValues(segment: Record<string, unknown> = {}): PolicyValues {
  return {
    name: 'P',
    description: 'd',
    tags: ['open'],
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: segment },
      legal_context: [],
    },
  };
}

let tokens = 0;
export function newToken(): NewToken {
  tokens += 1;
  return { keyId: `key${process.pid}x${tokens}`, hash: Buffer.from(`hash-${tokens}`) };
}

/** A prepared record of `cid`, as the sessions service builds it (spec §3.4). */
export function record(cid: string, id: string, entity: Record<string, unknown>, type = 'country'): PreparedRecord {
  const doc = { id, name: `name of ${id}`, entity, type, timeseries: {} };
  return {
    vendorId: id,
    publicId: `${cid}:${id}`,
    name: doc.name,
    doc: JSON.stringify(doc),
    ...preparedGeometries(doc),
  };
}

/** An entity type and a live connector of it; returns the connector's id and contribution id. */
export async function connectorWith(
  store: Store,
  o: { type?: string; slug?: string; live?: boolean; indexes?: string[] } = {},
): Promise<{ id: number; cid: string; entityTypeId: number }> {
  const type = o.type ?? 'country';
  if (!(await store.entityTypes.get(type))) await store.entityTypes.create(type, { ...TYPE, indexes: o.indexes ?? [] });
  const et = (await store.entityTypes.get(type))!;
  const slug = o.slug ?? `${type}-source`;
  const cid = `cid-${slug}`;
  const row = await store.connectors.create(
    et.id,
    slug,
    { name: slug, description: '', webhook: null, cache: 0, contributionId: cid, webhookSecret: 'secret' },
    newToken(),
  );
  if (o.live ?? true) await store.connectors.setLive(row!.id, true);
  return { id: row!.id, cid, entityTypeId: et.id };
}

/** Vendor ids of a connector's records in catalog order. */
export async function vendorIds(store: Store, connectorId: number): Promise<string[]> {
  return (await store.records.list(connectorId)).map((r) => r.vendorId);
}
