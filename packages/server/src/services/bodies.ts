import type { ValidationItem } from '@bbk/sdk/protocol';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { validateQueryValue } from '../query/index.js';
import { LONE_SURROGATE } from '../storage/store.js';
import type { ConnectorValues, EntityTypeValues, PolicyDocument, PolicyValues, UserValues } from '../storage/types.js';
import {
  checkConnectorBody,
  checkEntityTypeBody,
  checkPolicyBody,
  checkUserCreate,
  checkUserUpdate,
  validateSearch,
  validateSlug,
} from '../validation/index.js';

/**
 * The coordinator bodies, normalised and validated (spec §1.10, §2.3–§2.6).
 * Each function throws one 400 with every item, or returns storable input.
 * `pathItems` are the create path's slug errors, reported first.
 */

function fail(items: ValidationItem[]): void {
  if (items.length > 0) throw ApiError.validation(items);
}

/** Validates a create path's slug; returns its items so they are reported with the body's. */
export function slugParam(slug: string): ValidationItem[] {
  return validateSlug(slug);
}

export function userBody(body: unknown, kind: 'create'): UserValues;
export function userBody(body: unknown, kind: 'update'): Omit<UserValues, 'email'>;
export function userBody(body: unknown, kind: 'create' | 'update'): UserValues | Omit<UserValues, 'email'> {
  const checked = kind === 'create' ? checkUserCreate(body) : checkUserUpdate(body);
  fail(checked.items);
  return wellFormed(checked.value as UserValues);
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * The body's text fields as every engine stores them: an unpaired UTF-16 surrogate (which JSON's `\ud800` escape
 * can carry, but which is not Unicode) becomes U+FFFD, as PostgreSQL's `text` makes it; SQLite would keep its bytes
 * and read them back as three U+FFFD. (Inside JSON values, tags, schemas, addenda, PostgreSQL refuses it: 400.)
 */
function wellFormed<T extends object>(value: T): T {
  const fields = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(fields))
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) fields[key] = v.replace(LONE_SURROGATES, '\ufffd');
  return value;
}

/** Dotted record paths that may carry a catalog index (bbk extension, see docs/DECISIONS.md). */
const INDEX_PATH = /^(entity|instance)(\.[A-Za-z0-9_-]{1,64}){1,8}$/;
const MAX_INDEXES = 16;

function indexItems(raw: unknown): { value: string[]; items: ValidationItem[] } {
  if (raw === undefined || raw === null) return { value: [], items: [] };
  if (!Array.isArray(raw))
    return { value: [], items: [{ name: 'indexes', index: null, reason: 'is not of a type(s) array' }] };
  const items: ValidationItem[] = [];
  if (raw.length > MAX_INDEXES)
    items.push({ name: 'indexes', index: null, reason: `does not meet maximum length of ${MAX_INDEXES}` });
  raw.forEach((p, i) => {
    if (typeof p !== 'string') items.push({ name: 'indexes', index: i, reason: 'is not of a type(s) string' });
    else if (!INDEX_PATH.test(p))
      items.push({ name: 'indexes', index: i, reason: `does not match pattern ${JSON.stringify(INDEX_PATH.source)}` });
  });
  if (new Set(raw).size !== raw.length) items.push({ name: 'indexes', index: null, reason: 'contains duplicate item' });
  return { value: items.length ? [] : (raw as string[]), items };
}

export async function entityTypeBody(
  ctx: ServerContext,
  body: unknown,
  pathItems: ValidationItem[] = [],
): Promise<EntityTypeValues> {
  const checked = checkEntityTypeBody(body);
  const schemaItems = await ctx.schemas.check(checked.value.schema);
  const indexes = indexItems((body as { indexes?: unknown } | null)?.indexes);
  fail([...pathItems, ...checked.items, ...schemaItems, ...indexes.items]);
  return wellFormed({ ...(checked.value as Omit<EntityTypeValues, 'indexes'>), indexes: indexes.value });
}

/** `trailing`: items of extension fields (create's `expires`), reported after the body's. */
export function connectorBody(
  body: unknown,
  pathItems: ValidationItem[] = [],
  trailing: ValidationItem[] = [],
): ConnectorValues {
  const checked = checkConnectorBody(body);
  fail([...pathItems, ...checked.items, ...trailing]);
  return wellFormed(checked.value as ConnectorValues);
}

/**
 * The segment query is checked even when the rest is invalid; its error comes last (spec §2.6).
 * It is judged as the JSON value it is, like the same value sent as a consumer `q` (§4.3): a string,
 * number, boolean or `null` gets the schema's type item and `Query cannot be parsed`.
 */
export function policyBody(body: unknown, pathItems: ValidationItem[] = []): PolicyValues {
  const checked = checkPolicyBody(body);
  const segment = (checked.value.policy as { data_segment?: { segment_query?: unknown } } | undefined)?.data_segment
    ?.segment_query;
  const items = [...pathItems, ...checked.items];
  if (segment !== undefined) {
    const q = validateQueryValue(segment);
    if (!q.ok) items.push({ name: 'policy.data_segment.segment_query', index: null, reason: q.reason });
  }
  fail(items);
  return wellFormed({ ...checked.value, policy: checked.value.policy as unknown as PolicyDocument } as PolicyValues);
}

export function searchParam(q: unknown): string {
  const checked = validateSearch(q);
  fail(checked.items);
  return checked.value;
}
