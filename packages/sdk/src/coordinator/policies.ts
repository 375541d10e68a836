import type { HttpClient } from '../client.js';
import type { AccessControl, PolicyDetail, PolicyInput, PolicyListItem, PolicyPreview } from '../protocol/types.js';
import { path } from '../url.js';
import type { Created } from './created.js';

/**
 * Policies: data segment, field masks, legal context and access control (spec §2.6).
 * @example await coordinator.policies.create('over-a-billion', { name: 'Big', description: '…', policy });
 */
export class PoliciesApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /policy`, ordered by slug. */
  async list(): Promise<PolicyListItem[]> {
    return (await this.http.request<PolicyListItem[]>({ method: 'GET', path: '/policy' })).body;
  }

  /** `GET /policy/:pid`, with `policy` as stored. */
  async get(pid: string): Promise<PolicyDetail> {
    return (await this.http.request<PolicyDetail>({ method: 'GET', path: path`/policy/${pid}` })).body;
  }

  /** `POST /policy/:pid` → 201. */
  async create(pid: string, input: PolicyInput): Promise<Created> {
    const res = await this.http.request({ method: 'POST', path: path`/policy/${pid}`, body: input });
    return { id: pid.toLowerCase(), location: res.location ?? '' };
  }

  /** `PUT /policy/:pid`: applies at once to consumer calls. */
  async update(pid: string, input: PolicyInput): Promise<void> {
    await this.http.request({ method: 'PUT', path: path`/policy/${pid}`, body: input });
  }

  /** `DELETE /policy/:pid`: removes its accesses (bbk also revokes their tokens). */
  async delete(pid: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/policy/${pid}` });
  }

  /**
   * `POST /policy/:pid/preview` (bbk extension): what a consumer of `input` would see, and, when the
   * policy `pid` exists, which records the change would add or remove. Stores nothing.
   * @example const { types, sample, added } = await coordinator.policies.preview('big', input);
   */
  async preview(pid: string, input: PolicyInput): Promise<PolicyPreview> {
    return (await this.http.request<PolicyPreview>({ method: 'POST', path: path`/policy/${pid}/preview`, body: input }))
      .body;
  }

  /** `GET /policy/:pid/access-control`: the stored `access_control`, exactly as submitted. */
  async accessControl(pid: string): Promise<AccessControl> {
    return (await this.http.request<AccessControl>({ method: 'GET', path: path`/policy/${pid}/access-control` })).body;
  }
}

/**
 * Prefix searches (spec §2.8): `q` is 1–16 characters, matched case-insensitively; order undefined.
 * @example await coordinator.search.organizations('bit') // ['BitBroker']
 */
export class SearchApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /search/user/organization?q=`. */
  async organizations(q: string): Promise<string[]> {
    return (await this.http.request<string[]>({ method: 'GET', path: '/search/user/organization', query: { q } })).body;
  }

  /** `GET /search/entity/tags?q=`. */
  async entityTags(q: string): Promise<string[]> {
    return (await this.http.request<string[]>({ method: 'GET', path: '/search/entity/tags', query: { q } })).body;
  }

  /** `GET /search/policy/tags?q=`. */
  async policyTags(q: string): Promise<string[]> {
    return (await this.http.request<string[]>({ method: 'GET', path: '/search/policy/tags', query: { q } })).body;
  }
}
