import type { ServerContext } from '../context.js';
import { searchParam } from './bodies.js';

/** Literal, case-insensitive prefix look-ups (spec §2.8 Fix: never a regex). */
export const search = {
  organizations: async (ctx: ServerContext, q: unknown) => ctx.store.users.organizationsStartingWith(searchParam(q)),
  entityTags: async (ctx: ServerContext, q: unknown) => ctx.store.entityTypes.tagsStartingWith(searchParam(q)),
  policyTags: async (ctx: ServerContext, q: unknown) => ctx.store.policies.tagsStartingWith(searchParam(q)),
};
