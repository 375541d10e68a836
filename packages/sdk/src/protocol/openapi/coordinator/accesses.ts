/** The Coordinator API: accesses: consumer tokens (spec §2.7). */

import { error, invalid, json, jsonList, LOCATION, type RouteDoc, ref, tokenText } from '../route-doc.js';
import { done, noUser } from './params.js';

/** How long a token issued by these calls lives (bbk extension): an optional body. */
const lifetime: RouteDoc['body'] = {
  schema: ref('TokenLifetime'),
  description:
    'Optional (bbk extension): `expires`, a duration from now (`90d`, `12h`) or a future ISO-8601 time; absent or `null`: never',
};

/** Accesses: consumer tokens (spec §2.7); token lifetimes (bbk extension). */
export const ACCESS_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/user/:uid/access',
    tag: 'Accesses',
    summary: "List a user's accesses (creation order)",
    description: '`expires` and `last_used` of each access token: bbk extension.',
    responses: { 200: jsonList('Accesses', 'AccessItem'), 404: noUser },
  },
  {
    method: 'GET',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Read an access',
    responses: { 200: json('The access', ref('AccessItem')), 404: error(404, 'No such user or access') },
  },
  {
    method: 'POST',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Give a user access to a policy (issues a consumer token)',
    body: lifetime,
    responses: {
      201: { ...tokenText('The consumer token, shown once'), headers: LOCATION },
      400: invalid('`expires` (checked first)'),
      404: error(404, 'No such policy or user'),
      409: error(409, 'The user already has this access'),
    },
  },
  {
    method: 'PUT',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Reissue the consumer token of an access (revokes the old one)',
    body: lifetime,
    responses: {
      200: tokenText('The new consumer token, shown once'),
      400: invalid('`expires` (checked first)'),
      404: error(404, 'No such user or access'),
    },
  },
  {
    method: 'DELETE',
    path: '/user/:uid/access/:pid',
    tag: 'Accesses',
    summary: 'Remove an access (revokes its token)',
    responses: { 204: done('Access removed'), 404: error(404, 'No such user or access') },
  },
];
