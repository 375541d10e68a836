/** The Contributor API's routes (spec §3), as the OpenAPI document describes them. */
import { sessionParamSchemas } from '../schemas.js';
import { empty, error, invalid, json, type PathParams, type RouteDoc, ref } from './route-doc.js';

/** Path parameters of the Contributor API; mode, action and commit are lower-cased, ids are not. */
export const CONTRIBUTOR_PATH_PARAMS: PathParams = {
  cid: {
    description: 'Contribution id of the connector (not lower-cased); errors are named `id`',
    schema: sessionParamSchemas.id,
  },
  sid: { description: 'Id of the open session; errors are named `id`', schema: sessionParamSchemas.sid },
  mode: {
    description: 'Session mode (case-insensitive)',
    schema: { type: 'string', enum: sessionParamSchemas.mode.enum },
  },
  action: {
    description: 'What to do with the posted records (case-insensitive)',
    schema: { type: 'string', enum: sessionParamSchemas.action.enum },
  },
  commit: {
    description: '`true` applies a session, `false` discards it (case-insensitive)',
    schema: { type: 'string', enum: sessionParamSchemas.commit.enum },
  },
};

const unknownConnector = error(404, 'No connector has this contribution id');
const wrongSession = error(401, 'The session id is not the open session (or none is open)');

/** Every route of the Contributor API beyond those all three APIs share (`common.ts`). */
export const CONTRIBUTOR_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/connector/:cid/session/open/:mode',
    tag: 'Sessions',
    summary: 'Open a session (discarding any open one)',
    description: 'A GET with side effects: opening while a session is open rolls the old one back.',
    responses: {
      200: json('The new session id, a JSON string', ref('SessionId')),
      400: invalid('`id` or `mode`'),
      404: unknownConnector,
    },
  },
  {
    method: 'POST',
    path: '/connector/:cid/session/:sid/:action',
    tag: 'Sessions',
    summary: 'Upsert or delete records in the open session',
    description:
      'Upsert: 0–250 records `{id, name, entity, instance?}`, each `entity` checked against the entity type schema. ' +
      'Delete: 0–250 vendor ids. Operations apply in posted order (stream: at once; accrue/replace: on commit).',
    body: {
      schema: { oneOf: [ref('RecordUpsert'), ref('RecordDelete')] },
      description:
        '`RecordUpsert` for `upsert`, `RecordDelete` for `delete`; errors are named `records` with the index',
    },
    responses: {
      200: json('Each posted vendor id mapped to its public id', ref('SessionReport')),
      400: invalid('path parameters, body, or the entity type schema'),
      401: wrongSession,
      404: unknownConnector,
      413: error(413, 'The body is over the limit (100 MB)'),
    },
  },
  {
    method: 'GET',
    path: '/connector/:cid/session/:sid/close/:commit',
    tag: 'Sessions',
    summary: 'Close the open session, applying or discarding it',
    responses: {
      200: empty('Session closed'),
      400: invalid('path parameters'),
      401: wrongSession,
      404: unknownConnector,
    },
  },
];
