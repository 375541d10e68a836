import { describe, expect, it } from 'vitest';
import { check, errorShapeProblem, makeCase, parseResponse, type RawResponse, Rng, type World } from './fuzz/index.js';

/** The fuzzer's own parts, without a server: its checks must catch what they claim to catch. */

const world: World = {
  mode: 'production',
  urls: {
    coordinator: 'http://127.0.0.1:1/v1',
    contributor: 'http://127.0.0.1:2/v1',
    consumer: 'http://127.0.0.1:3/v1',
  },
  tokens: {
    coordinator: ['coordinator.AAAAAAAAAAAAAAAAAAAAAA.secretsecretsecretsecretsecret01'],
    contributor: ['contributor.BBBBBBBBBBBBBBBBBBBBBB.secretsecretsecretsecretsecret02'],
    consumer: ['consumer.CCCCCCCCCCCCCCCCCCCCCC.secretsecretsecretsecretsecret03'],
  },
  rescinded: ['consumer.DDDDDDDDDDDDDDDDDDDDDD.secretsecretsecretsecretsecret04'],
  secrets: new Set(['secretsecretsecretsecretsecret01', 'secretsecretsecretsecretsecret03']),
  fixture: {
    policy: 'fx-europe',
    entityType: 'fx-country',
    live: { eid: 'fx-country', slug: 'fx-live', cid: 'a'.repeat(40), token: 'x' },
    staged: { eid: 'fx-country', slug: 'fx-staged', cid: 'b'.repeat(40), token: 'y' },
    outOfPolicy: new Set(['c'.repeat(40)]),
    inPolicy: ['d'.repeat(40)],
    staged_ids: new Set(['e'.repeat(40)]),
    users: [2, 3],
  },
  owned: {
    entityTypes: ['fz-thing'],
    connectors: [{ eid: 'fz-thing', slug: 'fz-c' }],
    policies: ['fz-pol'],
    users: [9],
  },
  sessions: [
    {
      eid: 'fz-sess',
      slug: 'fz-sess-a',
      cid: 'f'.repeat(40),
      token: 'contributor.BBBBBBBBBBBBBBBBBBBBBB.secretsecretsecretsecretsecret02',
    },
  ],
  markers: { out: 'OUTPOLICY-', masked: 'MASKED-', staged: 'STAGED-' },
  close: async () => {},
};

const answer = (status: number, body: string, contentType = 'application/json; charset=utf-8'): RawResponse => ({
  outcome: 'answered',
  status,
  headers: { 'content-type': [contentType] },
  body: Buffer.from(body),
  partial: Buffer.alloc(0),
  serverClosed: false,
  ms: 3,
});

const consumerCase = {
  ...makeCase(world, 1, 0, 0.1),
  surface: 'consumer' as const,
  fixturePolicy: true,
  maskProbe: false,
  stagedAllowed: false,
  notes: [],
  headers: [],
};
const bounds = { probeMs: 1000, requestMs: 5000 };
const classes = (res: RawResponse, c = consumerCase) => check(world, c, res, bounds, []).map((v) => v.class);

describe('the fuzzer checks', () => {
  it('accepts the standard error bodies and rejects others', () => {
    expect(
      errorShapeProblem(404, 'application/json', '{"error":{"code":404,"status":"Not Found","message":""}}'),
    ).toBeUndefined();
    expect(
      errorShapeProblem(
        400,
        'application/json',
        '{"error":{"code":400,"status":"Bad Request","message":[{"name":"a","index":null,"reason":"r"}]}}',
      ),
    ).toBeUndefined();
    expect(
      errorShapeProblem(400, 'application/json', '{"error":"Bad Request","message":"Client Error","statusCode":400}'),
    ).toBeDefined();
    expect(
      errorShapeProblem(400, 'application/json', '{"error":{"code":400,"status":"Bad Request","message":[]}}'),
    ).toBeDefined();
    expect(
      errorShapeProblem(404, 'application/json', '{"error":{"code":404,"status":"Not found","message":""}}'),
    ).toBeDefined();
    expect(
      errorShapeProblem(401, 'text/plain', '{"error":{"code":401,"status":"Unauthorized","message":""}}'),
    ).toBeDefined();
    expect(
      errorShapeProblem(409, 'application/json', '{"error":{"code":404,"status":"Not Found","message":""}}'),
    ).toBeDefined();
  });

  it('flags 5xx, foreign statuses, silent closes and slow answers', () => {
    expect(classes(answer(500, '{"error":{"code":500,"status":"Internal Server Error","message":""}}'))).toEqual([
      'server-error-5xx',
    ]);
    expect(classes(answer(417, ''))).toEqual(['status-outside-spec', 'error-not-standard-body']);
    // 431 is a documented status (headers over 16 KB, docs/DECISIONS.md), but still needs the standard body
    expect(classes(answer(431, ''))).toEqual(['error-not-standard-body']);
    expect(classes({ ...answer(0, ''), outcome: 'closed' })).toEqual(['silent-close']);
    expect(classes({ ...answer(200, '[]'), ms: 6000 })).toEqual(['slow-request']);
    expect(classes(answer(200, '[]'))).toEqual([]);
  });

  it('flags echoed secrets, but not in the answer that issues them', () => {
    const body = 'consumer.CCCCCCCCCCCCCCCCCCCCCC.secretsecretsecretsecretsecret03';
    expect(classes(answer(200, body, 'text/html'))).toEqual(['secret-echoed']);
    expect(
      check(world, consumerCase, answer(201, 'consumer.x.brandnewsecretbrandnewsecret', 'text/html'), bounds, [
        'brandnewsecretbrandnewsecret',
      ]),
    ).toEqual([]);
  });

  it('flags out-of-policy, masked and staged data in fixture-policy answers, and masked-path probes that find records', () => {
    expect(classes(answer(200, '[{"name":"OUTPOLICY-Chad"}]'))).toEqual(['out-of-policy-record']);
    expect(classes(answer(200, `[{"id":"${'c'.repeat(40)}"}]`))).toEqual(['out-of-policy-record']);
    expect(classes(answer(200, '{"entity":{"secret":"MASKED-1"}}'))).toEqual(['masked-value']);
    expect(classes(answer(200, '[{"name":"STAGED-France"}]'))).toEqual(['staged-record']);
    expect(classes(answer(200, '[{"name":"STAGED-France"}]'), { ...consumerCase, stagedAllowed: true })).toEqual([]);
    expect(classes(answer(200, '[{"name":"France"}]'), { ...consumerCase, maskProbe: true })).toEqual([
      'masked-path-inference',
    ]);
    expect(classes(answer(200, '[]'), { ...consumerCase, maskProbe: true })).toEqual([]);
  });

  it('reads responses framed by length, by chunks, and after 100 Continue', () => {
    const cl = parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]'), false);
    expect(cl?.body.toString()).toBe('[]');
    const chunked = parseResponse(
      Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n'),
      false,
    );
    expect(chunked?.body.toString()).toBe('[]');
    const cont = parseResponse(
      Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'),
      false,
    );
    expect(cont?.status).toBe(404);
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n[]'), false)).toBeNull();
  });

  it('generates the same case for the same seed and index, and different ones otherwise', () => {
    const a = makeCase(world, 42, 17, 0.1);
    const b = makeCase(world, 42, 17, 0.1);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const targets = new Set(Array.from({ length: 50 }, (_, i) => makeCase(world, 42, i, 0.1).target));
    expect(targets.size).toBeGreaterThan(30);
    expect(new Rng(5).next()).toBe(new Rng(5).next());
  });
});
