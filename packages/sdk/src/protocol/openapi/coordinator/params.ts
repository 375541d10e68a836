/** Path parameters and answers shared by the Coordinator API's areas. */
import { valueRules } from '../../schemas.js';
import { empty, error, LOCATION, type PathParams } from '../route-doc.js';

/** Path parameters of the Coordinator API; ids are lower-cased before use (spec §1.10). */
export const COORDINATOR_PATH_PARAMS: PathParams = {
  eid: { description: 'Entity type slug (validated as `slug` on create)', schema: valueRules.slug },
  cid: {
    description: 'Connector slug, unique across the instance (validated as `slug` on create)',
    schema: valueRules.slug,
  },
  pid: { description: 'Policy slug (validated as `slug` on create)', schema: valueRules.slug },
  uid: { description: 'User id: 1–8 decimal digits, anything else is 404', schema: valueRules.uid },
  email: { description: 'User email, matched case-insensitively', schema: { type: 'string' } },
  id: { description: 'Violation flag id: 1–15 decimal digits, anything else is 404', schema: { type: 'string' } },
};

/** Answers shared by the areas of the Coordinator API. */
export const created = (what: string) => empty(`${what} created`, LOCATION);
export const done = (what: string) => empty(what);
export const noEntityType = error(404, 'No such entity type');
export const noConnector = error(404, 'No such entity type or connector');
export const noPolicy = error(404, 'No such policy');
export const noUser = error(404, 'No such user (or `:uid` is not 1–8 digits)');
