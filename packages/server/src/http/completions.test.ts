import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { Completions } from './observe.js';

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
    completions.add((req, rep, ms) => ran.push(`a:${req.id}:${rep.statusCode}:${ms}`));
    completions.add((req) => ran.push(`b:${req.id}`));
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
    completions.add((req) => ran.push(req.id));
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
    completions.add((req) => {
      if (req.id === 'bad') throw new Error('boom');
    });
    completions.add((req) => ran.push(req.id));
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
    completions.add((req) => ran.push(req.id));
    completions.complete(request('r2'), reply(200), 1);
    await turn();
    expect(ran).toEqual(['r2']);
  });
});
