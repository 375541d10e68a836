import { issueToken, randomToken } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import type { Store } from './storage/store.js';

/** The instance secret (APP_SECRET), created once and kept in the database. */
export async function ensureSecret(store: Store): Promise<string> {
  const existing = await store.meta.get('app_secret');
  if (existing) return existing;
  const secret = randomToken(32);
  await store.meta.set('app_secret', secret);
  return secret;
}

/**
 * On the very first start (user sequence never used) creates user 1, the
 * bootstrap coordinator, and returns its token; otherwise returns undefined.
 * Not re-created if later deleted (spec §6.2).
 */
export async function bootstrapUser(store: Store, config: ServerConfig): Promise<string | undefined> {
  if (await store.users.sequenceUsed()) return undefined;
  const input = { ...config.bootstrap, addendum: {} };
  const id = await store.users.create(input, (id) =>
    id === undefined
      ? undefined
      : { actor: 'system', action: 'user.create', target: `user:${id}`, detail: { after: input, bootstrap: true } },
  );
  if (id === undefined) return undefined;
  return issueToken(store, 'coordinator', id, {
    audit: () => ({
      actor: 'system',
      action: 'token.issue',
      target: `user:${id}`,
      detail: { kind: 'coordinator', bootstrap: true },
    }),
  });
}

/**
 * Issues a fresh coordinator token for the bootstrap user (user 1), revoking
 * its previous one. If user 1 was deleted, the lowest-numbered user that is
 * still a coordinator is used. Throws when no such user exists.
 */
export async function reissueBootstrapToken(store: Store): Promise<{ userId: number; token: string }> {
  let user = await store.users.get(1);
  if (!user) user = (await store.users.list()).find((u) => u.coordinator);
  if (!user) throw new Error('no bootstrap user: user 1 was deleted and no other user is a coordinator');
  const userId = user.id;
  // `bbk token bootstrap`, run on the data directory itself: the actor is the system
  const token = await issueToken(store, 'coordinator', userId, {
    audit: (revoked) => ({
      actor: 'system',
      action: revoked > 0 ? 'token.reissue' : 'token.issue',
      target: `user:${userId}`,
      detail: { kind: 'coordinator', bootstrap: true, rescinded: revoked },
    }),
  });
  return { userId, token };
}
