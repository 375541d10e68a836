import type { HttpClient } from '../client.js';
import { BbkNetworkError } from '../errors.js';
import type { AccessGuard, AccessGuardInput, AccessUsage } from '../protocol/activity.js';
import type {
  AccessItem,
  TokenLifetime,
  UserDetail,
  UserInput,
  UserListItem,
  UserUpdateInput,
} from '../protocol/types.js';
import { path } from '../url.js';
import { type Created, lastSegment, lifetimeBody, tokenText } from './created.js';

/**
 * Users and their coordinator role (spec §2.3). Ids are integers, never reused.
 * @example const { id } = await coordinator.users.create({ name: 'Alice', email: 'alice@acme.io', organization: 'Acme' });
 */
export class UsersApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /user`, ordered by id. */
  async list(): Promise<UserListItem[]> {
    return (await this.http.request<UserListItem[]>({ method: 'GET', path: '/user' })).body;
  }

  /** `GET /user/:uid`. */
  async get(uid: number): Promise<UserDetail> {
    return (await this.http.request<UserDetail>({ method: 'GET', path: path`/user/${uid}` })).body;
  }

  /** `GET /user/email/:email` (case-insensitive). */
  async getByEmail(email: string): Promise<UserDetail> {
    return (await this.http.request<UserDetail>({ method: 'GET', path: path`/user/email/${email}` })).body;
  }

  /**
   * `POST /user` → 201; the new id is read from `Location`.
   * @example const { id, location } = await coordinator.users.create(input);
   */
  async create(input: UserInput): Promise<Created<number>> {
    const res = await this.http.request({ method: 'POST', path: '/user', body: input });
    const id = res.location ? Number(lastSegment(res.location)) : Number.NaN;
    if (!Number.isInteger(id)) {
      throw new BbkNetworkError('invalid-response', {
        method: res.method,
        url: res.url,
        detail: 'no user id in Location',
      });
    }
    return { id, location: res.location ?? '' };
  }

  /**
   * Creates a user and reads it back.
   * @example const alice = await coordinator.users.createAndGet(input); // UserDetail
   */
  async createAndGet(input: UserInput): Promise<UserDetail> {
    return this.get((await this.create(input)).id);
  }

  /** `PUT /user/:uid`: replaces `name`, `organization`, `addendum` (email is immutable). */
  async update(uid: number, input: UserUpdateInput): Promise<void> {
    await this.http.request({ method: 'PUT', path: path`/user/${uid}`, body: input });
  }

  /** `DELETE /user/:uid`: also removes the user's accesses and revokes their tokens. */
  async delete(uid: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/user/${uid}` });
  }

  /**
   * `POST /user/:uid/coordinator`: grants the coordinator role; resolves to the coordinator token (shown once).
   * @example const token = await coordinator.users.promote(2);
   */
  async promote(uid: number): Promise<string> {
    return tokenText(await this.http.request({ method: 'POST', path: path`/user/${uid}/coordinator` }));
  }

  /** `DELETE /user/:uid/coordinator`: revokes the coordinator role and token. */
  async demote(uid: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/user/${uid}/coordinator` });
  }
}

/**
 * A user's accesses to policies, i.e. consumer tokens (spec §2.7).
 * @example const token = await coordinator.accesses.grant(2, 'over-a-billion');
 */
export class AccessesApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /user/:uid/access`, in creation order. */
  async list(uid: number): Promise<AccessItem[]> {
    return (await this.http.request<AccessItem[]>({ method: 'GET', path: path`/user/${uid}/access` })).body;
  }

  /** `GET /user/:uid/access/:pid`. */
  async get(uid: number, pid: string): Promise<AccessItem> {
    return (await this.http.request<AccessItem>({ method: 'GET', path: path`/user/${uid}/access/${pid}` })).body;
  }

  /**
   * `POST /user/:uid/access/:pid` → 201; resolves to the consumer token (shown once).
   * `options.expires` (bbk): a duration such as `90d` or a future ISO-8601 time; without it the token never expires.
   * @example const token = await coordinator.accesses.grant(2, 'over-a-billion', { expires: '90d' });
   */
  async grant(uid: number, pid: string, options: TokenLifetime = {}): Promise<string> {
    return tokenText(
      await this.http.request({ method: 'POST', path: path`/user/${uid}/access/${pid}`, ...lifetimeBody(options) }),
    );
  }

  /** `PUT /user/:uid/access/:pid` → 200: revokes the old token, resolves to the new one (`options` as for `grant`). */
  async reissue(uid: number, pid: string, options: TokenLifetime = {}): Promise<string> {
    return tokenText(
      await this.http.request({ method: 'PUT', path: path`/user/${uid}/access/${pid}`, ...lifetimeBody(options) }),
    );
  }

  /**
   * `GET /user/:uid/access/:pid/usage` (bbk extension): calls, records served and 429s per UTC day, newest first,
   * optionally from `since` to `until` (`YYYY-MM-DD`, inclusive); exact, including calls not yet written.
   * @example const { totals, last_used } = await coordinator.accesses.usage(2, 'over-a-billion');
   */
  async usage(uid: number, pid: string, range: { since?: string; until?: string } = {}): Promise<AccessUsage> {
    const res = await this.http.request<AccessUsage>({
      method: 'GET',
      path: path`/user/${uid}/access/${pid}/usage`,
      query: { since: range.since, until: range.until },
    });
    return res.body;
  }

  /** `GET /user/:uid/access/:pid/guard` (bbk extension): auto-suspend setting and suspension. */
  async guard(uid: number, pid: string): Promise<AccessGuard> {
    return (await this.http.request<AccessGuard>({ method: 'GET', path: path`/user/${uid}/access/${pid}/guard` })).body;
  }

  /**
   * `PUT /user/:uid/access/:pid/guard` (bbk extension): turns auto-suspend on or off, lifts (`suspended: false`)
   * or imposes (`true`) a suspension.
   * @example await coordinator.accesses.setGuard(2, 'over-a-billion', { auto_suspend: true });
   */
  async setGuard(uid: number, pid: string, input: AccessGuardInput): Promise<void> {
    await this.http.request({ method: 'PUT', path: path`/user/${uid}/access/${pid}/guard`, body: input });
  }

  /** `DELETE /user/:uid/access/:pid`: removes the access and revokes its token. */
  async revoke(uid: number, pid: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/user/${uid}/access/${pid}` });
  }
}
