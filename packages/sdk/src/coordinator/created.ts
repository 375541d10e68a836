import type { HttpResponse } from '../client.js';
import { BbkNetworkError } from '../errors.js';
import type { TokenLifetime } from '../protocol/types.js';

/** Result of a create (201): the new resource's id and its absolute `Location`. */
export interface Created<Id extends string | number = string> {
  id: Id;
  location: string;
}

/**
 * The last path segment of a `Location` URL, percent-decoded.
 * @example lastSegment('http://localhost:8001/v1/user/7') // '7'
 */
export function lastSegment(location: string): string {
  const pathname = new URL(location).pathname.replace(/\/+$/, '');
  return decodeURIComponent(pathname.slice(pathname.lastIndexOf('/') + 1));
}

/**
 * Reads a bare token answer (`text/html`, spec §1.5); a JSON string is accepted too.
 * @example tokenText(await http.request({ method: 'POST', path: '/user/2/coordinator' }))
 */
export function tokenText(res: HttpResponse): string {
  const token = typeof res.body === 'string' ? res.body.trim() : '';
  if (!token)
    throw new BbkNetworkError('invalid-response', { method: res.method, url: res.url, detail: 'no token in body' });
  return token;
}

/**
 * The request body of a call that issues a token: none unless an expiry is given, so that a call
 * without one is the original's exact request.
 */
export function lifetimeBody(options: TokenLifetime): { body?: TokenLifetime } {
  return options.expires === undefined ? {} : { body: { expires: options.expires } };
}
