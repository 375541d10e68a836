import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type Answer, Completions } from './observe.js';

// Completions run once per answer, for all the answers of one turn of the event loop together (observe.ts).

const request = (id: string) => ({ id, bbkStart: 0 }) as unknown as FastifyRequest;
const reply = (statusCode: number) => ({ statusCode }) as unknown as FastifyReply;
const turn = () => new Promise((resolve) => setImmediate(resolve));

function logger() {
  const errors: { id: unknown; message: string }[] = [];
  const log = {
    error: (obj: { reqId: unknown }, message: string) => errors.push({ id: obj.reqId, message }),
  } as unknown as ConstructorParameters<typeof Completions>[0];
  return { log, errors };
}

describe('Completions', () => {
  it('runs each answer’s completions in the order added, answers in the order they were ready, at the end of the turn', async () => {
    const completions = new Completions(undefined);
    const ran: string[] = [];
    completions.add((a) => ran.push(`a:${a.id}:${a.status}:${a.ms}`));
    completions.add((a) => ran.push(`b:${a.id}`));
    completions.complete(request('r1'), reply(200), 1.5);
    completions.complete(request('r2'), reply(404), 2);
    expect(ran).toEqual([]);
    await turn();
    expect(ran).toEqual(['a:r1:200:1.5', 'b:r1', 'a:r2:404:2', 'b:r2']);
    completions.complete(request('r3'), reply(429), 3);
    await turn();
    expect(ran.slice(4)).toEqual(['a:r3:429:3', 'b:r3']);
  });

  it('drain runs what is queued at once, and nothing twice', async () => {
    const completions = new Completions(undefined);
    const ran: string[] = [];
    completions.add((a) => ran.push(a.id));
    completions.complete(request('r1'), reply(200), 1);
    completions.drain();
    expect(ran).toEqual(['r1']);
    await turn();
    completions.drain();
    expect(ran).toEqual(['r1']);
  });

  it('logs a completion that throws, runs the others, and leaves the next answers unharmed', async () => {
    const { log, errors } = logger();
    const completions = new Completions(log);
    const ran: string[] = [];
    completions.add((a) => {
      if (a.id === 'bad') throw new Error('boom');
    });
    completions.add((a) => ran.push(a.id));
    completions.complete(request('bad'), reply(200), 1);
    completions.complete(request('good'), reply(200), 1);
    await turn();
    expect(ran).toEqual(['bad', 'good']);
    expect(errors).toEqual([{ id: 'bad', message: 'accounting for an answer failed' }]);
  });

  it('queues nothing while there is no work', async () => {
    const completions = new Completions(undefined);
    completions.complete(request('r1'), reply(200), 1);
    const ran: string[] = [];
    completions.add((a) => ran.push(a.id));
    completions.complete(request('r2'), reply(200), 1);
    await turn();
    expect(ran).toEqual(['r2']);
  });

  it('hands on what it read of the request and the reply when the answer was final, and neither of them', async () => {
    const completions = new Completions(undefined);
    const seen: Answer[] = [];
    completions.add((a) => seen.push(a));
    const caller = { kind: 'consumer' as const, subject: 7, policy: 'p' };
    const params = { type: 'country', id: 'GB' };
    const served = { records: 1 };
    const req = {
      id: 'r1',
      bbkStart: 0,
      method: 'GET',
      url: '/v1/entity/country/GB?x=1',
      params,
      bbkRoute: { url: '/v1/entity/:type/:id' },
      caller,
      policySlug: 'p',
      limitedBy: null,
      served,
      body: [1, 2, 3],
    } as unknown as FastifyRequest;
    const rep = reply(200);
    completions.complete(req, rep, 2.5);
    // changed after the answer was final: not what is counted
    rep.statusCode = 500;
    (req as { policySlug: string | null }).policySlug = 'other';
    await turn();
    expect(seen).toEqual([
      {
        id: 'r1',
        method: 'GET',
        url: '/v1/entity/country/GB?x=1',
        params,
        route: { url: '/v1/entity/:type/:id' },
        status: 200,
        ms: 2.5,
        caller,
        policySlug: 'p',
        limitedBy: null,
        served,
        items: 3,
      },
    ]);
    expect(Object.values(seen[0]!)).not.toContain(req);
    expect(Object.values(seen[0]!)).not.toContain(rep);
  });
});
