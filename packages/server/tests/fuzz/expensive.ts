import type { Rng } from './rng.js';

/**
 * User-supplied JSON Schemas that cost a validator dearly: huge keyword arrays, catastrophic
 * regexes (patterns and pattern property names), recursive references, tiny `multipleOf`,
 * `uniqueItems`, every format. Records posted later are checked against them.
 */
export function schemaBomb(r: Rng): Record<string, unknown> {
  const n = r.pick([1000, 20_000]);
  return r.pick<() => Record<string, unknown>>([
    () => ({ type: Array(n).fill('string') }),
    () => ({
      type: 'object',
      properties: { s: { type: 'string', pattern: r.pick(['^(a+)+$', '^(a|aa)+$', '(a*)*b', '^(\\w+\\s?)*$']) } },
    }),
    () => ({ type: 'object', patternProperties: { '^(a+)+$': { type: 'number' } } }),
    () => ({
      type: 'object',
      properties: {
        s: {
          type: 'string',
          format: r.pick([
            'email',
            'uri',
            'date-time',
            'hostname',
            'regex',
            'uri-reference',
            'iri',
            'idn-email',
            'time',
            'duration',
            'uuid',
            'json-pointer',
            'relative-json-pointer',
            'uri-template',
            'ipv6',
          ]),
        },
      },
    }),
    () => ({ type: 'object', properties: { list: { type: 'array', uniqueItems: true } } }),
    () => ({ type: 'object', properties: { n: { multipleOf: r.pick([1e-308, 5e-324, 0.1, 1e308]) } } }),
    () => ({ $ref: '#' }),
    () => ({
      definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } },
      $ref: '#/definitions/a',
    }),
    () => ({ properties: { s: { minLength: 1e308, maxLength: -1 } } }),
    () => ({ allOf: Array.from({ length: n }, () => ({ type: 'object' })) }),
    () => ({ enum: Array.from({ length: n }, (_, i) => ({ i })) }),
    () => ({
      properties: { s: { const: { a: [1, { b: 2 }] } }, n: { not: { not: { not: {} } } } },
      dependencies: { s: ['n'] },
    }),
    () => ({ $id: 'http://127.0.0.1:9/x', $ref: 'http://127.0.0.1:9/other#' }),
    () => ({
      $schema: 'http://json-schema.org/draft-04/schema#',
      properties: { n: { exclusiveMinimum: true, minimum: 0 } },
    }),
    () => ({ properties: { s: { pattern: '[' } } }),
    () => ({ type: 'object', additionalProperties: false, required: Array.from({ length: n }, (_, i) => `k${i}`) }),
  ])();
}

/** Record entities aimed at expensive schemas: backtracking strings and keys, long arrays of objects. */
export function hostileEntity(r: Rng): Record<string, unknown> {
  const evil = `${'a'.repeat(r.int(24, 27))}!`;
  return r.pick<() => Record<string, unknown>>([
    () => ({ s: evil }),
    () => ({ [evil]: 1 }),
    () => ({ list: Array.from({ length: r.pick([200, 2000]) }, (_, i) => ({ i: i % 50, o: { x: [i] } })) }),
    () => ({ n: r.pick([1e308, 5e-324, -0, 2 ** 53 + 2]) }),
    () => ({ s: `${'a@'.repeat(2000)}x`, t: `http://${'a.'.repeat(3000)}` }),
  ])();
}
