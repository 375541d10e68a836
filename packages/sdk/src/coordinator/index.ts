import { type ClientInit, type HttpClient, toHttpClient } from '../client.js';
import type { Announce } from '../protocol/types.js';
import { AuditApi } from './audit.js';
import { CatalogApi } from './catalog.js';
import { ConnectorsApi, EntityTypesApi } from './entity-types.js';
import { PoliciesApi, SearchApi } from './policies.js';
import { AccessesApi, UsersApi } from './users.js';
import { type ViolationFilter, ViolationsApi } from './violations.js';

export { AuditApi, MAX_AUDIT_PAGE } from './audit.js';
export { CatalogApi, type CatalogExplain, type CatalogExplainOptions } from './catalog.js';
export type { Created } from './created.js';
export { ConnectorsApi, EntityTypesApi } from './entity-types.js';
export { PoliciesApi, SearchApi } from './policies.js';
export { AccessesApi, UsersApi } from './users.js';
export { type ViolationFilter, ViolationsApi };

/**
 * Typed client of the Coordinator API (spec §2, default port 8001), grouped by resource.
 * @example
 * const coordinator = new CoordinatorClient({ baseUrl: 'http://localhost:8001/v1', token });
 * await coordinator.entityTypes.create('country', { name: 'Countries', description: 'All the countries' });
 * const { id, token: contributorToken } = await coordinator.connectors.create('country', 'wikipedia', { name: 'Wikipedia', description: '…' });
 */
export class CoordinatorClient {
  readonly http: HttpClient;
  readonly users: UsersApi;
  readonly accesses: AccessesApi;
  readonly entityTypes: EntityTypesApi;
  readonly connectors: ConnectorsApi;
  readonly policies: PoliciesApi;
  readonly search: SearchApi;
  /** Violation flags (bbk extension). */
  readonly violations: ViolationsApi;
  /** The audit trail (bbk extension). */
  readonly audit: AuditApi;
  /** How consumer lists run (bbk extension). */
  readonly catalog: CatalogApi;

  constructor(init: ClientInit) {
    this.http = toHttpClient(init);
    this.users = new UsersApi(this.http);
    this.accesses = new AccessesApi(this.http);
    this.entityTypes = new EntityTypesApi(this.http);
    this.connectors = new ConnectorsApi(this.http);
    this.policies = new PoliciesApi(this.http);
    this.search = new SearchApi(this.http);
    this.violations = new ViolationsApi(this.http);
    this.audit = new AuditApi(this.http);
    this.catalog = new CatalogApi(this.http);
  }

  /**
   * `GET /v1`: service name, base URL, clock and mode.
   * @example (await coordinator.announce()).status // 'development'
   */
  async announce(): Promise<Announce> {
    return (await this.http.request<Announce>({ method: 'GET', path: '' })).body;
  }

  /** Closes the client's own connection pool. */
  close(): Promise<void> {
    return this.http.close();
  }
}
