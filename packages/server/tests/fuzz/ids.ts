import type { Rng } from './rng.js';
import type { World } from './world.js';

/** Path ids for the generated requests: fixture ones for reads, the fuzzer's own for writes, fresh and odd ones. */

export const enc = encodeURIComponent;

/** Malformed or unusual path ids: the server must answer 4xx for every one. */
const ODD_IDS = [
  'x',
  'UPPER-CASE',
  '1.1',
  '-1',
  '0',
  '99999999',
  '123456789',
  '%00',
  '%zz',
  '%',
  '%c0%af',
  '%ff',
  '%F0%9F%98%80',
  'a%2Fb',
  '..',
  '.',
  '%2e%2e',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'a'.repeat(33),
  'a'.repeat(300),
  'é',
  '%20',
  'a b',
  '$where',
  "'",
  '"',
  '\\',
  'a;b',
  '9223372036854775807',
];

export function oddId(r: Rng): string {
  const id = r.pick(ODD_IDS);
  // ids that are not already percent-encoded get encoded so the request line stays valid
  return /%|^[\w.-]+$/.test(id) ? id : enc(id);
}

export const slug = (r: Rng) => `fz-${r.chars(r.int(1, 10))}`;

/** Entity type ids: fixture (reads only), owned, the session connectors' type (reads and PUT), fresh or odd. */
export function eid(r: Rng, w: World, write: boolean | 'put'): string {
  return r.weighted<() => string>([
    [write === true ? 0 : 3, () => (write === 'put' ? w.sessions[0]!.eid : w.fixture.entityType)],
    [4, () => r.pick(w.owned.entityTypes.length ? w.owned.entityTypes : ['fz-none'])],
    [2, () => slug(r)],
    [1, () => oddId(r)],
  ])();
}

export function connectorPath(r: Rng, w: World, write: boolean): [string, string] {
  return r.weighted<() => [string, string]>([
    [write ? 0 : 3, () => [w.fixture.entityType, r.pick(['fx-live', 'fx-staged'])]],
    [write ? 0 : 1, () => [w.sessions[0]!.eid, w.sessions[0]!.slug]],
    [
      4,
      () => {
        const c = r.pick(w.owned.connectors.length ? w.owned.connectors : [{ eid: 'fz-thing', slug: 'fz-none' }]);
        return [c.eid, c.slug];
      },
    ],
    [2, () => [eid(r, w, write), slug(r)]],
    [1, () => [eid(r, w, write), oddId(r)]],
  ])();
}

export function pid(r: Rng, w: World, write: boolean): string {
  return r.weighted<() => string>([
    [write ? 0 : 3, () => w.fixture.policy],
    [4, () => r.pick(w.owned.policies.length ? w.owned.policies : ['fz-none'])],
    [2, () => slug(r)],
    [1, () => oddId(r)],
  ])();
}

export function uid(r: Rng, w: World, write: boolean): string {
  return r.weighted<() => string>([
    [write ? 0 : 3, () => String(r.pick([1, ...w.fixture.users]))],
    [4, () => String(r.pick(w.owned.users.length ? w.owned.users : [99_999]))],
    [1, () => String(r.int(1000, 99_999_999))],
    [1, () => oddId(r)],
  ])();
}
