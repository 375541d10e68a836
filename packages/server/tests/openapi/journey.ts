// A walk through every route of the three APIs, with successes and errors, for the OpenAPI test
// (tests/openapi.test.ts). A route added to the documents needs a step here; what only production
// mode answers (tokens, usage, violations, suspensions) is in journey-production.ts.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { call, type TestServer } from '../harness.js';

/** One call and the status it must answer. */
export type Step = [
  method: string,
  path: string,
  status: number,
  init?: { body?: unknown; headers?: Record<string, string>; token?: string },
];

/** Makes the calls in order; each must answer its status. */
export async function walk(base: string, steps: Step[]): Promise<void> {
  for (const [method, path, status, init] of steps) {
    const res = await call(`${base}${path}`, { method, ...init });
    expect(`${method} ${path} → ${res.status}`, res.text.slice(0, 300)).toBe(`${method} ${path} → ${status}`);
  }
}

export const entityType = {
  name: 'Countries',
  description: 'All countries',
  schema: { type: 'object' },
  tags: ['geo'],
};
const timeseries = { population: { period: 'P1Y', value: 'people', unit: 'x1000' } };
export const connector = (webhook: string | null) => ({
  name: 'Wiki',
  description: 'From the wiki',
  webhook,
  cache: 0,
});
export const policy = (accessControl: unknown) => ({
  name: 'Everything',
  description: 'All records',
  tags: ['open'],
  policy: {
    access_control: accessControl,
    data_segment: { segment_query: { type: 'country' }, field_masks: [] },
    legal_context: [{ type: 'license', text: 'CC-BY', link: 'https://creativecommons.org/licenses/by/4.0/' }],
  },
});
const user = { name: 'Alice', email: 'alice@example.com', organization: 'Acme' };

/** Every probe and reference route of one API, and its announce and test error. */
async function common(base: string, root: string): Promise<void> {
  await walk(base, [
    ['GET', '', 200],
    ['GET', '/error/test', 500],
    ['GET', '/healthz', 200],
    ['GET', '/readyz', 200],
    ['GET', '/openapi.json', 200],
    ['GET', '/docs', 200],
  ]);
  await walk(root, [
    ['GET', '/healthz', 200],
    ['GET', '/readyz', 200],
  ]);
}

async function coordinator(base: string, webhook: string): Promise<string> {
  await walk(base, [
    ['POST', '/entity/country', 201, { body: { ...entityType, timeseries } }],
    ['POST', '/entity/country', 409, { body: entityType }],
    ['POST', '/entity/X', 400, { body: {} }],
    ['POST', '/entity/doomed', 201, { body: { ...entityType, indexes: ['entity.iso'] } }],
    ['GET', '/entity', 200],
    ['GET', '/entity/doomed', 200],
    ['GET', '/entity/nothing', 404],
    ['PUT', '/entity/doomed', 204, { body: entityType }],
    ['PUT', '/entity/doomed', 400, { body: { name: '' } }],
    ['PUT', '/entity/nothing', 404, { body: entityType }],
    ['POST', '/entity/country/connector/wiki', 201, { body: connector(webhook) }],
    ['POST', '/entity/country/connector/wiki', 409, { body: connector(webhook) }],
    ['POST', '/entity/country/connector/nohook', 400, { body: connector(null) }],
    ['POST', '/entity/nothing/connector/wiki2', 404, { body: connector(null) }],
    ['POST', '/entity/doomed/connector/spare', 201, { body: { ...connector(null), expires: '90d' } }],
    ['POST', '/entity/doomed/connector/late', 400, { body: { ...connector(null), expires: 'soon' } }],
    ['GET', '/entity/country/connector', 200],
    ['GET', '/entity/nothing/connector', 404],
    ['GET', '/entity/country/connector/wiki', 200],
    ['GET', '/entity/country/connector/nothing', 404],
    ['PUT', '/entity/country/connector/wiki', 204, { body: connector(webhook) }],
    ['PUT', '/entity/country/connector/wiki', 400, { body: { name: 5 } }],
    ['PUT', '/entity/country/connector/nothing', 404, { body: connector(webhook) }],
    ['POST', '/entity/country/connector/wiki/live', 204],
    ['POST', '/entity/country/connector/nothing/live', 404],
    ['DELETE', '/entity/doomed/connector/spare/live', 204],
    ['DELETE', '/entity/doomed/connector/nothing/live', 404],
    ['PUT', '/entity/country/connector/wiki/token', 200, { body: { expires: '30d' } }],
    ['PUT', '/entity/country/connector/wiki/token', 400, { body: { expires: '2000-01-01T00:00:00Z' } }],
    ['PUT', '/entity/country/connector/nothing/token', 404],
    ['GET', '/entity/country/connector/wiki/health', 200],
    ['GET', '/entity/country/connector/nothing/health', 404],
    ['DELETE', '/entity/doomed/connector/spare', 204],
    ['DELETE', '/entity/doomed/connector/spare', 404],
    ['DELETE', '/entity/doomed', 204],
    ['DELETE', '/entity/doomed', 404],
    ['POST', '/policy/everything', 201, { body: policy({ enabled: false }) }],
    [
      'POST',
      '/policy/limited',
      201,
      { body: policy({ enabled: true, quota: { max_number: 1, interval_type: 'day' } }) },
    ],
    ['POST', '/policy/everything', 409, { body: policy({ enabled: false }) }],
    ['POST', '/policy/bad', 400, { body: { name: 'x' } }],
    ['GET', '/policy', 200],
    ['GET', '/policy/everything', 200],
    ['GET', '/policy/nothing', 404],
    ['GET', '/policy/limited/access-control', 200],
    ['GET', '/policy/nothing/access-control', 404],
    ['PUT', '/policy/everything', 204, { body: policy({ enabled: false }) }],
    ['PUT', '/policy/everything', 400, { body: {} }],
    ['PUT', '/policy/nothing', 404, { body: policy({ enabled: false }) }],
    ['POST', '/policy/everything/preview', 200, { body: policy({ enabled: false }) }],
    ['POST', '/policy/everything/preview', 400, { body: {} }],
    ['GET', '/catalog?explain=true&policy=everything&q=%7B%22name%22%3A%22x%22%7D', 200],
    ['GET', '/catalog?explain=false', 400],
    ['GET', '/catalog?explain=true&policy=nothing', 404],
    ['POST', '/policy/doomed', 201, { body: policy({ enabled: false }) }],
    ['DELETE', '/policy/doomed', 204],
    ['DELETE', '/policy/doomed', 404],
    ['POST', '/user', 201, { body: user }],
    ['POST', '/user', 409, { body: user }],
    ['POST', '/user', 400, { body: { name: 'Bob' } }],
    ['POST', '/user', 201, { body: { ...user, email: 'doomed@example.com', addendum: { x: 1 } } }],
    ['GET', '/user', 200],
    ['GET', '/user/2', 200],
    ['GET', '/user/99', 404],
    ['GET', '/user/email/ALICE@example.com', 200],
    ['GET', '/user/email/nobody@example.com', 404],
    ['PUT', '/user/2', 204, { body: { name: 'Alice B', organization: 'Acme' } }],
    ['PUT', '/user/2', 400, { body: {} }],
    ['PUT', '/user/99', 404, { body: { name: 'x', organization: 'y' } }],
    ['POST', '/user/2/coordinator', 200],
    ['POST', '/user/2/coordinator', 409],
    ['DELETE', '/user/2/coordinator', 204],
    ['DELETE', '/user/2/coordinator', 409],
    ['DELETE', '/user/3', 204],
    ['DELETE', '/user/3', 404],
    ['POST', '/user/2/access/everything', 400, { body: { expires: 'tomorrow' } }],
    ['POST', '/user/2/access/everything', 201, { body: { expires: '90d' } }],
    ['POST', '/user/2/access/everything', 409],
    ['POST', '/user/2/access/nothing', 404],
    ['POST', '/user/2/access/limited', 201],
    ['GET', '/user/2/access', 200],
    ['GET', '/user/99/access', 404],
    ['GET', '/user/2/access/everything', 200],
    ['GET', '/user/2/access/nothing', 404],
    ['PUT', '/user/2/access/everything', 200, { body: { expires: null } }],
    ['PUT', '/user/2/access/everything', 400, { body: { expires: 5 } }],
    ['PUT', '/user/2/access/nothing', 404],
    ['DELETE', '/user/2/access/limited', 204],
    ['DELETE', '/user/2/access/limited', 404],
    // usage, guards and violations (docs/USAGE.md): nothing is counted in development mode
    ['GET', '/user/2/access/everything/usage?since=2024-01-01', 200],
    ['GET', '/user/2/access/everything/usage?until=2024-02-30', 400],
    ['GET', '/user/2/access/nothing/usage', 404],
    ['GET', '/user/2/access/everything/guard', 200],
    ['GET', '/user/99/access/everything/guard', 404],
    ['PUT', '/user/2/access/everything/guard', 204, { body: { auto_suspend: true, suspended: false } }],
    ['PUT', '/user/2/access/everything/guard', 400, { body: { auto_suspend: 'yes', other: 1 } }],
    ['PUT', '/user/2/access/nothing/guard', 404, { body: {} }],
    ['GET', '/violations?detector=enumeration', 200],
    ['GET', '/violations?user=x', 400],
    ['DELETE', '/violations/1', 404],
    ['GET', '/search/user/organization?q=ac', 200],
    ['GET', '/search/user/organization', 400],
    ['GET', '/search/entity/tags?q=g', 200],
    ['GET', '/search/entity/tags?q=12345678901234567', 400],
    ['GET', '/search/policy/tags?q=o', 200],
    ['GET', '/search/policy/tags?q=', 400],
    // the audit trail (docs/AUDIT.md)
    ['GET', '/audit?target=policy&order=desc&limit=5', 200],
    ['GET', '/audit?limit=0&order=up', 400],
    ['GET', '/audit/verify', 200],
  ]);
  // a conditional GET answers 304
  const entity = await call(`${base}/entity`);
  const etag = entity.headers.get('etag') ?? '';
  await walk(base, [['GET', '/entity', 304, { headers: { 'if-none-match': etag } }]]);
  const detail = await call(`${base}/entity/country/connector/wiki`);
  return (detail.json as { contribution_id: string }).contribution_id;
}

async function contributor(base: string, cid: string): Promise<void> {
  const open = await call(`${base}/connector/${cid}/session/open/stream`);
  const sid = open.json as string;
  const session = `/connector/${cid}/session/${sid}`;
  const wrong = `/connector/${cid}/session/00000000-0000-4000-8000-000000000000`;
  const unknown = `/connector/${'0'.repeat(40)}/session`;
  const records = [
    { id: 'GB', name: 'United Kingdom', entity: { iso: 'GB' } },
    { id: 'FR', name: 'France', entity: { iso: 'FR' } },
  ];
  await walk(base, [
    ['GET', `/connector/${cid}/session/open/sideways`, 400],
    ['GET', `${unknown}/open/stream`, 404],
    ['POST', `${session}/upsert`, 200, { body: records }],
    ['POST', `${session}/delete`, 200, { body: ['FR'] }],
    ['POST', `${session}/upsert`, 400, { body: [{ id: 'x' }] }],
    ['POST', `${wrong}/upsert`, 401, { body: [] }],
    ['POST', `${unknown}/${sid}/upsert`, 404, { body: [] }],
    ['GET', `${session}/close/maybe`, 400],
    ['GET', `${wrong}/close/true`, 401],
    ['GET', `${unknown}/${sid}/close/true`, 404],
    ['GET', `${session}/close/true`, 200],
  ]);
}

async function consumer(base: string, gb: string): Promise<void> {
  const as = (policy: string) => ({ headers: { 'x-bbk-audience': policy } });
  const q = encodeURIComponent(JSON.stringify({ 'entity.iso': 'GB' }));
  await walk(base, [
    ['GET', `/catalog?q=${q}`, 200, as('everything')],
    ['GET', '/catalog?q=nonsense', 400, as('everything')],
    ['GET', '/catalog', 403],
    ['GET', '/entity', 200, as('everything')],
    ['GET', '/entity?limit=0', 400, as('everything')],
    ['GET', '/entity/country?limit=1&offset=0', 200, as('everything')],
    ['GET', '/entity/country?offset=-1', 400, as('everything')],
    ['GET', `/entity/country/${gb}`, 200, as('everything')],
    ['GET', '/entity/country/nothing', 404, as('everything')],
    ['GET', `/entity/country/${gb}/timeseries/population?start=2024-01-01&limit=10`, 200, as('everything')],
    ['GET', `/entity/country/${gb}/timeseries/population?end=2024-01-01`, 400, as('everything')],
    ['GET', `/entity/country/${gb}/timeseries/nothing`, 404, as('everything')],
    ['GET', '/entity', 200, as('limited')],
    ['GET', '/entity', 429, as('limited')],
  ]);
}

/** Walks every route of the three APIs of a development-mode server, whose connector webhook is `webhook`. */
export async function journey(server: TestServer, webhook: string): Promise<void> {
  const { coordinator: c, contributor: k, consumer: u } = server.urls; // not the console's or the metrics' URL
  for (const base of [c, k, u]) await common(base, new URL(base).origin);
  const cid = await coordinator(server.urls.coordinator, webhook);
  await contributor(server.urls.contributor, cid);
  await consumer(server.urls.consumer, createHash('sha1').update(`${cid}:GB`).digest('hex'));
}
