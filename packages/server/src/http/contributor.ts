import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { errorBody } from '../errors.js';
import { sessions } from '../services/sessions.js';
import { bodyOf } from './app.js';

type P<K extends string> = FastifyRequest<{ Params: Record<K, string> }>;

/**
 * The Contributor API (spec §3). Path parameters go to the service as sent: the
 * contribution id is not lower-cased, mode/action/commit are (in the service).
 */
export function contributorRoutes(ctx: ServerContext) {
  return (app: FastifyInstance) => {
    // Opening and closing are GETs (spec §3.1) that change state; a HEAD, which clients and proxies take as safe,
    // must not do either: 405, with the method that does
    const notHead = { exposeHeadRoute: false } as const;
    for (const path of ['/connector/:cid/session/open/:mode', '/connector/:cid/session/:sid/close/:commit'])
      app.head(path, async (_req, reply) => reply.code(405).header('allow', 'GET').send(errorBody(405)));

    app.get('/connector/:cid/session/open/:mode', notHead, async (req: P<'cid' | 'mode'>, reply) => {
      const sid = await sessions.open(ctx, req.caller, req.params.cid, req.params.mode);
      // the session id as a JSON string (spec §1.5)
      return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(sid));
    });

    app.post('/connector/:cid/session/:sid/:action', async (req: P<'cid' | 'sid' | 'action'>) => {
      const { cid, sid, action } = req.params;
      return sessions.action(ctx, req.caller, { cid, sid }, action, bodyOf(req));
    });

    app.get('/connector/:cid/session/:sid/close/:commit', notHead, async (req: P<'cid' | 'sid' | 'commit'>, reply) => {
      const { cid, sid, commit } = req.params;
      await sessions.close(ctx, req.caller, { cid, sid }, commit);
      return reply.code(200).send();
    });
  };
}
