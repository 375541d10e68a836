import type { HttpClient } from '../client.js';
import type {
  ConnectorCreated,
  ConnectorDetail,
  ConnectorHealth,
  ConnectorInput,
  ConnectorListItem,
  EntityTypeDetail,
  EntityTypeInput,
  EntityTypeListItem,
  TokenLifetime,
} from '../protocol/types.js';
import { path } from '../url.js';
import { type Created, lifetimeBody, tokenText } from './created.js';

/**
 * Entity types (spec §2.4). Ids are slugs (`^[a-z][a-z0-9-]+$`, 3–32).
 * @example await coordinator.entityTypes.create('country', { name: 'Countries', description: 'All countries' });
 */
export class EntityTypesApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /entity`, ordered by id. */
  async list(): Promise<EntityTypeListItem[]> {
    return (await this.http.request<EntityTypeListItem[]>({ method: 'GET', path: '/entity' })).body;
  }

  /** `GET /entity/:eid`. */
  async get(eid: string): Promise<EntityTypeDetail> {
    return (await this.http.request<EntityTypeDetail>({ method: 'GET', path: path`/entity/${eid}` })).body;
  }

  /** `POST /entity/:eid` → 201. */
  async create(eid: string, input: EntityTypeInput): Promise<Created> {
    const res = await this.http.request({ method: 'POST', path: path`/entity/${eid}`, body: input });
    return { id: eid.toLowerCase(), location: res.location ?? '' };
  }

  /** `PUT /entity/:eid`: replaces all properties. */
  async update(eid: string, input: EntityTypeInput): Promise<void> {
    await this.http.request({ method: 'PUT', path: path`/entity/${eid}`, body: input });
  }

  /** `DELETE /entity/:eid`: also deletes its connectors and their records. */
  async delete(eid: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/entity/${eid}` });
  }
}

/**
 * Connectors of an entity type (spec §2.5). New connectors are staged until promoted live.
 * @example const { id: contributionId, token } = await coordinator.connectors.create('country', 'wikipedia', { name: 'Wikipedia', description: '…' });
 */
export class ConnectorsApi {
  constructor(private readonly http: HttpClient) {}

  /** `GET /entity/:eid/connector`, ordered by slug. */
  async list(eid: string): Promise<ConnectorListItem[]> {
    return (await this.http.request<ConnectorListItem[]>({ method: 'GET', path: path`/entity/${eid}/connector` })).body;
  }

  /** `GET /entity/:eid/connector/:cid`, including `contribution_id`, `is_live`, `in_session` (and bbk `health`). */
  async get(eid: string, cid: string): Promise<ConnectorDetail> {
    return (await this.http.request<ConnectorDetail>({ method: 'GET', path: path`/entity/${eid}/connector/${cid}` }))
      .body;
  }

  /**
   * `POST /entity/:eid/connector/:cid` → 201 `{ id, token, webhook_secret? }`.
   * `id` is the contribution id; the token and secret are shown only once. `input.expires` (bbk): when the
   * contributor token expires, a duration such as `90d` or a future ISO-8601 time; absent: never.
   */
  async create(eid: string, cid: string, input: ConnectorInput): Promise<ConnectorCreated> {
    return (
      await this.http.request<ConnectorCreated>({
        method: 'POST',
        path: path`/entity/${eid}/connector/${cid}`,
        body: input,
      })
    ).body;
  }

  /** `PUT /entity/:eid/connector/:cid`: replaces name, description, webhook, cache; keeps `is_live` and sessions. */
  async update(eid: string, cid: string, input: ConnectorInput): Promise<void> {
    await this.http.request({ method: 'PUT', path: path`/entity/${eid}/connector/${cid}`, body: input });
  }

  /** `DELETE /entity/:eid/connector/:cid`: also deletes its records. */
  async delete(eid: string, cid: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/entity/${eid}/connector/${cid}` });
  }

  /**
   * `PUT /entity/:eid/connector/:cid/token` → 200 (bbk extension): revokes the contributor token and resolves to a
   * new one (shown once). `options.expires`: a duration such as `90d` or a future ISO-8601 time; without it, never.
   * @example const token = await coordinator.connectors.reissueToken('country', 'wikipedia', { expires: '30d' });
   */
  async reissueToken(eid: string, cid: string, options: TokenLifetime = {}): Promise<string> {
    return tokenText(
      await this.http.request({
        method: 'PUT',
        path: path`/entity/${eid}/connector/${cid}/token`,
        ...lifetimeBody(options),
      }),
    );
  }

  /**
   * `POST /entity/:eid/connector/:cid/live`: makes the connector's records visible to consumers (idempotent).
   * @example await coordinator.connectors.promote('country', 'wikipedia');
   */
  async promote(eid: string, cid: string): Promise<void> {
    await this.http.request({ method: 'POST', path: path`/entity/${eid}/connector/${cid}/live` });
  }

  /** `DELETE /entity/:eid/connector/:cid/live`: back to staged (idempotent). */
  async demote(eid: string, cid: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/entity/${eid}/connector/${cid}/live` });
  }

  /**
   * `GET /entity/:eid/connector/:cid/health` (bbk extension): the connector's webhook call figures.
   * @example const { calls, failures, timeouts } = await coordinator.connectors.health('country', 'wikipedia');
   */
  async health(eid: string, cid: string): Promise<ConnectorHealth> {
    return (
      await this.http.request<ConnectorHealth>({ method: 'GET', path: path`/entity/${eid}/connector/${cid}/health` })
    ).body;
  }
}
