/**
 * URL parameters that are validated (spec §1.10, §2.8, §3.1); each item is named after the parameter
 * (`slug`, `search`, and `id` for both session ids).
 */
import {
  type SessionAction,
  type SessionMode,
  searchParamSchema,
  sessionParamSchemas,
  slugParamSchema,
  type ValidationItem,
} from '@bbk/sdk/protocol';
import { createValidator, type Validate } from './create-validator.js';

let compiled:
  | {
      slug: Validate;
      search: Validate;
      cid: Validate;
      sid: Validate;
      mode: Validate;
      action: Validate;
      commit: Validate;
    }
  | undefined;

function validators() {
  compiled ??= {
    slug: createValidator(slugParamSchema, { root: 'slug' }),
    search: createValidator(searchParamSchema, { root: 'search' }),
    cid: createValidator(sessionParamSchemas.id, { root: 'id' }),
    sid: createValidator(sessionParamSchemas.sid, { root: 'id' }),
    mode: createValidator(sessionParamSchemas.mode, { root: 'mode' }),
    action: createValidator(sessionParamSchemas.action, { root: 'action' }),
    commit: createValidator(sessionParamSchemas.commit, { root: 'commit' }),
  };
  return compiled;
}

/**
 * Checks the slug of a create path (`:eid`, `:cid`, `:pid`, already lower-cased) under the name `slug`.
 * @example validateSlug('a') // [{ name: 'slug', index: null, reason: 'does not meet minimum length of 3' }]
 */
export function validateSlug(slug: unknown): ValidationItem[] {
  return validators().slug(slug);
}

/**
 * Checks the search `q` (1–16 characters, name `search`); a missing `q` counts as `""`.
 * The value is lower-cased.
 */
export function validateSearch(q: unknown): { value: string; items: ValidationItem[] } {
  const raw = q ?? '';
  return { value: typeof raw === 'string' ? raw.toLowerCase() : '', items: validators().search(raw) };
}

/** Session route parameters as received (any subset). */
export interface RawSessionParams {
  cid?: unknown;
  sid?: unknown;
  mode?: unknown;
  action?: unknown;
  commit?: unknown;
}

/** Session route parameters once valid; `mode`, `action` and `commit` lower-cased. */
export interface SessionRouteParams {
  cid: string;
  sid?: string;
  mode?: SessionMode;
  action?: SessionAction;
  /** `true` to commit */
  commit?: boolean;
}

const lower = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/**
 * Checks the session route parameters present in `params`, in route order: `:cid` (id40, named `id`,
 * not lower-cased), `:sid` (guid, named `id`), then `:mode` / `:action` / `:commit` (enums after lower-casing).
 * @example validateSessionParams({ cid: 'x'.repeat(40), mode: 'STREAM' }).value.mode // 'stream'
 */
export function validateSessionParams(params: RawSessionParams): {
  value: SessionRouteParams;
  items: ValidationItem[];
} {
  const v = validators();
  const items: ValidationItem[] = [];
  const mode = lower(params.mode);
  const action = lower(params.action);
  const commit = lower(params.commit);
  if ('cid' in params) items.push(...v.cid(params.cid));
  if ('sid' in params) items.push(...v.sid(params.sid));
  if ('mode' in params) items.push(...v.mode(mode));
  if ('action' in params) items.push(...v.action(action));
  if ('commit' in params) items.push(...v.commit(commit));
  const value: SessionRouteParams = { cid: String(params.cid ?? '') };
  if (typeof params.sid === 'string') value.sid = params.sid;
  if ('mode' in params) value.mode = mode as SessionMode;
  if ('action' in params) value.action = action as SessionAction;
  if ('commit' in params) value.commit = commit === 'true';
  return { value, items };
}
