/**
 * The Coordinator API's routes (spec §2, bbk extensions §9), one file per area as in the server's
 * `http/coordinator/`. A new area's routes are added to this list.
 */
import type { RouteDoc } from '../route-doc.js';
import { ACCESS_ROUTES } from './accesses.js';
import { ACTIVITY_ROUTES } from './activity.js';
import { AUDIT_ROUTES } from './audit.js';
import { CATALOG_ROUTES } from './catalog.js';
import { CONNECTOR_ROUTES } from './connectors.js';
import { ENTITY_TYPE_ROUTES } from './entity-types.js';
import { POLICY_ROUTES } from './policies.js';
import { SEARCH_ROUTES } from './search.js';
import { USER_ROUTES } from './users.js';

export { COORDINATOR_PATH_PARAMS } from './params.js';

/** Every route of the Coordinator API beyond those all three APIs share (`common.ts`). */
export const COORDINATOR_ROUTES: readonly RouteDoc[] = [
  ...ENTITY_TYPE_ROUTES,
  ...CONNECTOR_ROUTES,
  ...POLICY_ROUTES,
  ...USER_ROUTES,
  ...ACCESS_ROUTES,
  ...ACTIVITY_ROUTES,
  ...SEARCH_ROUTES,
  ...AUDIT_ROUTES,
  ...CATALOG_ROUTES,
];
