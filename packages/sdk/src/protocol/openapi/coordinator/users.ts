/** The Coordinator API: users and the coordinator role (spec §2.3). */

import { error, invalid, json, jsonList, type RouteDoc, ref, tokenText } from '../route-doc.js';
import { created, done, noUser } from './params.js';

/** Users and the coordinator role (spec §2.3). */
export const USER_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET',
    path: '/user',
    tag: 'Users',
    summary: 'List users (by id)',
    responses: { 200: jsonList('Users', 'UserListItem') },
  },
  {
    method: 'GET',
    path: '/user/email/:email',
    tag: 'Users',
    summary: 'Find a user by email',
    responses: { 200: json('The user', ref('UserDetail')), 404: error(404, 'No user has this email') },
  },
  {
    method: 'GET',
    path: '/user/:uid',
    tag: 'Users',
    summary: 'Read a user',
    responses: { 200: json('The user', ref('UserDetail')), 404: noUser },
  },
  {
    method: 'POST',
    path: '/user',
    tag: 'Users',
    summary: 'Create a user',
    body: {
      schema: ref('UserCreate'),
      description: 'Email stored lower-cased; unknown properties dropped (spec §1.10)',
    },
    responses: {
      201: created('User (`Location` ends with the new id)'),
      400: invalid('body'),
      409: error(409, 'The email is taken'),
    },
  },
  {
    method: 'PUT',
    path: '/user/:uid',
    tag: 'Users',
    summary: 'Update a user (email is immutable)',
    body: { schema: ref('UserUpdate'), description: 'Replaces name, organization and addendum' },
    responses: { 204: done('User updated'), 400: invalid('body'), 404: noUser },
  },
  {
    method: 'DELETE',
    path: '/user/:uid',
    tag: 'Users',
    summary: 'Delete a user, their accesses and tokens',
    responses: {
      204: done('User deleted'),
      404: noUser,
      405: error(405, 'Production mode: a coordinator cannot delete themself'),
    },
  },
  {
    method: 'POST',
    path: '/user/:uid/coordinator',
    tag: 'Users',
    summary: 'Promote a user to coordinator',
    responses: {
      200: tokenText('The new coordinator token, shown once'),
      404: noUser,
      409: error(409, 'Already a coordinator'),
    },
  },
  {
    method: 'DELETE',
    path: '/user/:uid/coordinator',
    tag: 'Users',
    summary: 'Demote a coordinator (revokes the token)',
    responses: {
      204: done('User demoted'),
      404: noUser,
      405: error(405, 'Production mode: a coordinator cannot demote themself'),
      409: error(409, 'Not a coordinator'),
    },
  },
];
