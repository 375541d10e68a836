import type { HttpClient } from '../client.js';
import type { DetectorName, Violation } from '../protocol/activity.js';
import { path } from '../url.js';

/** Filter of `ViolationsApi.list`. */
export interface ViolationFilter {
  user?: number;
  policy?: string;
  detector?: DetectorName;
}

/**
 * Violation flags raised by the server's detectors (bbk extension, docs/USAGE.md).
 * @example for (const v of await coordinator.violations.list({ detector: "geo-tiling" })) console.log(v.detector, v.access.id);
 */
export class ViolationsApi {
  constructor(private readonly http: HttpClient) {}

  /**
   * `GET /violations`: open flags, newest first, optionally of one user, policy or detector.
   * @example await coordinator.violations.list({ user: 2, detector: 'enumeration' });
   */
  async list(filter: ViolationFilter = {}): Promise<Violation[]> {
    const query = { user: filter.user, policy: filter.policy, detector: filter.detector };
    return (await this.http.request<Violation[]>({ method: 'GET', path: '/violations', query })).body;
  }

  /** `DELETE /violations/:id`: dismisses a flag; the detector may raise a new one later. */
  async dismiss(id: number): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/violations/${id}` });
  }
}
