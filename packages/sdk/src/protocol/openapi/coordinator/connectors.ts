/** The Coordinator API: connectors (spec §2.5) and their webhook health (bbk extension). */

import { error, invalid, json, jsonList, LOCATION, type RouteDoc, ref, tokenText } from '../route-doc.js';
import { done, noConnector, noEntityType } from './params.js';

/** Connectors (spec §2.5) and their webhook health (bbk extension). */
export const CONNECTOR_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/entity/:eid/connector',
    tag: 'Connectors',
    summary: 'List the connectors of an entity type (by slug)',
    responses: { 200: jsonList('Connectors', 'ConnectorListItem'), 404: noEntityType },
  },
  {
    method: 'GET',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Read a connector',
    responses: { 200: json('The connector', ref('ConnectorDetail')), 404: noConnector },
  },
  {
    method: 'POST',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Create a connector (staged, not live)',
    description:
      'A webhook is required when the entity type declares a timeseries. The token and webhook secret are shown once.',
    body: {
      schema: ref('ConnectorCreate'),
      description:
        'Unknown top-level properties are dropped, defaults filled in (spec §1.10); `expires`: the contributor token’s lifetime (bbk extension)',
    },
    responses: {
      201: json(
        'Connector created: its contribution id, contributor token and webhook secret',
        ref('ConnectorCreated'),
        LOCATION,
      ),
      400: invalid('slug, body, `expires`, or `webhook` required'),
      404: noEntityType,
      409: error(409, 'The connector slug is taken (anywhere in the instance)'),
    },
  },
  {
    method: 'PUT',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Replace a connector (keeps `is_live` and any open session)',
    body: {
      schema: ref('ConnectorInput'),
      description: 'Replaces name, description, webhook and cache (`expires` is ignored: see the token route)',
    },
    responses: { 204: done('Connector updated'), 400: invalid('body, or `webhook` required'), 404: noConnector },
  },
  {
    method: 'DELETE',
    path: '/entity/:eid/connector/:cid',
    tag: 'Connectors',
    summary: 'Delete a connector and its records',
    responses: { 204: done('Connector deleted'), 404: noConnector },
  },
  {
    method: 'PUT',
    path: '/entity/:eid/connector/:cid/token',
    tag: 'Connectors',
    summary: 'Reissue the contributor token of a connector (revokes the old one; bbk extension)',
    body: {
      schema: ref('TokenLifetime'),
      description:
        'Optional: `expires`, a duration from now (`90d`, `12h`) or a future ISO-8601 time; absent or `null`: never',
    },
    responses: {
      200: tokenText('The new contributor token, shown once'),
      400: invalid('`expires` (checked first)'),
      404: noConnector,
    },
  },
  {
    method: 'POST',
    path: '/entity/:eid/connector/:cid/live',
    tag: 'Connectors',
    summary: 'Make a connector live (idempotent)',
    responses: { 204: done('Connector is live'), 404: noConnector },
  },
  {
    method: 'DELETE',
    path: '/entity/:eid/connector/:cid/live',
    tag: 'Connectors',
    summary: 'Stage a connector again (idempotent)',
    responses: { 204: done('Connector is staged'), 404: noConnector },
  },
  {
    method: 'GET',
    path: '/entity/:eid/connector/:cid/health',
    tag: 'Connectors',
    summary: 'Webhook health figures of a connector (bbk extension)',
    description: 'Calls, failures, timeouts and latency of the webhook since the server started (docs/WEBHOOKS.md).',
    responses: { 200: json('Health figures', ref('ConnectorHealth')), 404: noConnector },
  },
];
