import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { ApiError, errorBody } from '../errors.js';
import type { TokenKind } from '../storage/types.js';
import { parseJsonBody } from '../validation/index.js';
import { routeUrl } from './urls.js';

export type Surface = TokenKind;

export const ANNOUNCE_NAMES: Record<Surface, string> = {
  coordinator: 'bit-broker coordinator service',
  contributor: 'bit-broker contributor service',
  consumer: 'bit-broker consumer service',
};

/** Who is calling, established once per request in production mode. */
export interface Caller {
  kind: TokenKind;
  /** users.id (coordinator), connectors.id (contributor), accesses.id (consumer) */
  subject: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

function weakEtag(payload: string | Buffer): string {
  const hash = createHash('sha1').update(payload).digest('base64').slice(0, 27);
  return `W/"${Buffer.byteLength(payload).toString(16)}-${hash}"`;
}

/**
 * Builds one API surface: a Fastify instance with the conventions every
 * surface shares (spec §1): case-insensitive paths, optional trailing slash,
 * lenient content types, Node-16 style JSON syntax errors, 413 over the body
 * limit, the standard error body, open CORS, weak ETags, and token checks in
 * production mode.
 */
export function buildSurface(
  surface: Surface,
  ctx: ServerContext,
  routes: (app: FastifyInstance) => void | Promise<void>,
): FastifyInstance {
  const { config } = ctx;
  const app = Fastify({
    logger: config.logger,
    bodyLimit: config.bodyLimit,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 },
    return503OnClosing: false,
    forceCloseConnections: true,
  });
  app.decorateRequest('caller', null);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    const parsed = parseJsonBody(text);
    if (parsed.ok) return done(null, parsed.value);
    return done(ApiError.validation([parsed.item]), undefined);
  });
  // any other content type: the body is drained (within the limit) and ignored (spec §1.5)
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('access-control-allow-origin', '*');
    if (config.mode !== 'production' || req.method === 'OPTIONS') return;
    const token = req.headers['x-bbk-auth-token'];
    const check = await ctx.auth.verify(typeof token === 'string' ? token : undefined);
    if (!check.ok) throw new ApiError(check.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    if (check.kind !== surface) throw new ApiError('UNAUTHORIZED');
    req.caller = { kind: check.kind, subject: check.subject };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = weakEtag(payload);
    reply.header('etag', etag);
    const inm = req.headers['if-none-match'];
    if (inm?.split(',').some((t) => t.trim() === etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.status).send(errorBody(err.status, err.items ?? ''));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody(413));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad headers, aborted bodies): answer in the standard format
      const known = [400, 401, 403, 404, 405, 409, 413, 429];
      const code = known.includes(status) ? status : 400;
      return reply
        .code(code)
        .send(errorBody(code, code === 400 ? [{ name: 'request', index: null, reason: err.message }] : ''));
    }
    req.log.error(err);
    return reply.code(500).send(errorBody(500, config.mode === 'production' ? '' : err.message));
  });

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(404));
  });

  app.options('*', (_req, reply) => {
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET,HEAD,PUT,PATCH,POST,DELETE')
      .header('access-control-allow-headers', 'content-type, x-bbk-auth-token, x-bbk-audience, x-bbk-connectors')
      .send();
  });

  const prefix = config.basePath ? `/${config.basePath}` : '';
  app.register(
    async (api) => {
      api.get('/', async (req) => ({
        now: new Date(config.now()).toISOString(),
        name: ANNOUNCE_NAMES[surface],
        base: routeUrl(req, config.basePath),
        status: config.mode,
      }));
      api.get('/error/test', async () => {
        if (config.mode === 'production') throw new ApiError('NOT_FOUND');
        throw new Error('test error message - please ignore');
      });
      await routes(api);
    },
    { prefix },
  );
  return app;
}

/** Sends a bare token as `text/html` (spec §1.5). */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(text);
}

/** Request body, or `{}` when none was parsed (spec §1.5). */
export function bodyOf(req: FastifyRequest): unknown {
  return req.body ?? {};
}
