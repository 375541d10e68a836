import { createHash } from 'node:crypto';
import type { Duplex, Writable } from 'node:stream';
import { REASON_PHRASES } from '@bbk/sdk/protocol';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Caller } from '../auth/caller.js';
import type { ServerContext } from '../context.js';
import { ApiError, errorBody } from '../errors.js';
import { requestId } from '../observability/index.js';
import { StoreUnavailableError } from '../storage/store.js';
import type { TokenKind } from '../storage/types.js';
import { MAX_BODY_DEPTH, parseJsonBody } from '../validation/index.js';
import { healthRoutes } from './health.js';
import { isProbe, observeSurface } from './observe.js';
import { routeUrl } from './urls.js';

export type Surface = TokenKind;

export const ANNOUNCE_NAMES: Record<Surface, string> = {
  coordinator: 'bit-broker coordinator service',
  contributor: 'bit-broker contributor service',
  consumer: 'bit-broker consumer service',
};

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

function weakEtag(payload: string | Buffer): string {
  const hash = createHash('sha1').update(payload).digest('base64').slice(0, 27);
  return `W/"${Buffer.byteLength(payload).toString(16)}-${hash}"`;
}

/** A raw HTTP response in the standard body, written straight to a socket. */
function rawErrorResponse(status: number, reason: string): string {
  const body = JSON.stringify(errorBody(status, status === 400 ? [{ name: 'request', index: null, reason }] : ''));
  return [
    `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Access-Control-Allow-Origin: *',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Answers what Node's HTTP parser rejects before any route sees it (malformed framing,
 * conflicting lengths, bad chunks, bare LF, unknown methods, headers over the limit, slow
 * clients): the standard error body, then the connection is closed, as the framing can no
 * longer be trusted.
 */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // once answered, what the client still sends fails to parse again: one answer per connection
  if (answered.has(socket)) return;
  answered.add(socket);
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  // Node's parser messages are fixed texts ("Parse Error: Duplicate Content-Length"), never input
  const answer = () => lingeringClose(socket, rawErrorResponse(status, err.message));
  // A pipelined request before the bad one, read in full, is still being answered: its answer
  // goes out first. (When the bad bytes are the in-flight request's own body, it never will be.)
  const inFlight = (socket as Duplex & { _httpMessage?: Writable & { req?: { complete?: boolean } } })._httpMessage;
  if (inFlight && !inFlight.writableFinished && inFlight.req?.complete === true) {
    const fallback = setTimeout(() => socket.destroy(), LINGER_MS * 5);
    inFlight.once('finish', () => {
      clearTimeout(fallback);
      answer();
    });
    inFlight.once('close', () => {
      clearTimeout(fallback);
      if (!socket.destroyed && socket.writable) answer();
    });
  } else answer();
}

/** Connections already given their last answer by {@link clientErrorHandler}. */
const answered = new WeakSet<Duplex>();

/** How long a closing connection keeps reading (and dropping) what the client still sends. */
const LINGER_MS = 2000;

/**
 * Writes a last answer and closes the connection without resetting it: the client may still be
 * sending a large body, and closing a socket with unread data makes the kernel send a reset that
 * can destroy the answer before the client reads it. So the write side is ended, what arrives is
 * read and dropped, and the socket is destroyed once the client closes or after LINGER_MS.
 */
function lingeringClose(socket: Duplex, answer: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.on('end', () => socket.destroy());
  socket.on('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  socket.end(answer);
  socket.resume();
}

/** The standard body for any error that reaches the error handler with a 4xx status of its own. */
function clientErrorBody(err: Error & { statusCode?: number }): { status: number; body: ReturnType<typeof errorBody> } {
  const status = err.statusCode && REASON_PHRASES[err.statusCode] && err.statusCode < 500 ? err.statusCode : 400;
  const message = status === 400 ? [{ name: 'request', index: null, reason: err.message }] : '';
  return { status, body: errorBody(status, message) };
}

/**
 * Builds one API surface: a Fastify instance with the conventions every
 * surface shares (spec §1): case-insensitive paths, optional trailing slash,
 * lenient content types, Node-16 style JSON syntax errors, 413 over the body
 * limit, the standard error body from every layer (HTTP parser, router, hooks,
 * handlers), open CORS, weak ETags, and token checks in production mode.
 */
export function buildSurface(
  surface: Surface,
  ctx: ServerContext,
  routes: (app: FastifyInstance) => void | Promise<void>,
): FastifyInstance {
  const { config } = ctx;

  /** Production mode: the caller's token must be live and of this surface's kind (spec §9). */
  const authenticate = async (req: FastifyRequest): Promise<void> => {
    if (config.mode !== 'production' || req.method === 'OPTIONS' || isProbe(req)) return;
    const token = req.headers['x-bbk-auth-token'];
    const check = await ctx.auth.verify(typeof token === 'string' ? token : undefined);
    if (!check.ok) throw new ApiError(check.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    if (check.kind !== surface) throw new ApiError('UNAUTHORIZED');
    req.caller = { kind: check.kind, subject: check.subject };
  };

  const app = Fastify({
    // one shared pino logger (or none); the one request line is observe.ts's, not Fastify's two
    ...(ctx.observers.logger ? { loggerInstance: ctx.observers.logger as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    bodyLimit: config.bodyLimit,
    // Node's parser caps the request line and headers at 16 KB, so no path segment can be
    // longer than this: a long id reaches its route and gets the route's answer (404, 400).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    return503OnClosing: false,
    forceCloseConnections: true,
    clientErrorHandler,
    // A request without Host, or with an expectation other than 100-continue, goes through the
    // routes like any other (Node would answer 400 / 417 itself, with an empty body); a missing
    // Host is then refused in the standard body (onRequest below).
    http: { requireHostHeader: false },
    // The router's own errors (a path that cannot be percent-decoded) still check the token
    // first, like every route: without one, 401, not a hint about the path.
    frameworkErrors: (err, req, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      reply.header('access-control-allow-origin', '*');
      authenticate(req).then(
        () => {
          if (err.code === 'FST_ERR_BAD_URL') {
            reply.code(400).send(errorBody(400, [{ name: 'url', index: null, reason: 'is not a valid URL path' }]));
          } else reply.code(404).send(errorBody(404));
        },
        (authErr: unknown) => {
          const status = authErr instanceof ApiError ? authErr.status : 401;
          reply.code(status).send(errorBody(status));
        },
      );
    },
  });
  app.decorateRequest('caller', null);
  observeSurface(app, surface, ctx.observers);
  healthRoutes(app, ctx.store, config.basePath);

  app.removeAllContentTypeParsers();
  const maxDepth = surface === 'coordinator' ? MAX_BODY_DEPTH : undefined;
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    const parsed = parseJsonBody(text, maxDepth);
    if (parsed.ok) return done(null, parsed.value);
    return done(ApiError.validation([parsed.item]), undefined);
  });
  // any other content type: the body is drained (within the limit) and ignored (spec §1.5)
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));

  app.server.on('checkExpectation', (req, res) => app.server.emit('request', req, res));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('access-control-allow-origin', '*');
    // HTTP/1.1 requires Host, and every URL the API writes is built from it (spec §1.2)
    if (!req.headers.host) throw ApiError.one('host', 'requires a Host header');
    await authenticate(req);
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

  app.setErrorHandler((thrown: Error & { statusCode?: number; code?: string }, req, reply) => {
    const err = thrown instanceof StoreUnavailableError ? new ApiError('UNAVAILABLE') : thrown;
    if (err instanceof ApiError) {
      if (err.code === 'UNAVAILABLE') reply.header('retry-after', '1');
      return reply.code(err.status).send(errorBody(err.status, err.items ?? ''));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody(413));
    if ((err.statusCode ?? 500) < 500) {
      // Fastify's own client errors (bad headers, aborted bodies): answer in the standard format
      const { status, body } = clientErrorBody(err);
      return reply.code(status).send(body);
    }
    req.log.error(err);
    return reply.code(500).send(errorBody(500, config.mode === 'production' ? '' : err.message));
  });

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(404));
  });

  // Open CORS (spec §1.1): a preflight allows whatever headers the browser asks to send.
  app.options('*', (req, reply) => {
    const asked = req.headers['access-control-request-headers'];
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET,HEAD,PUT,PATCH,POST,DELETE')
      .header(
        'access-control-allow-headers',
        typeof asked === 'string' && asked.trim() !== ''
          ? asked
          : 'content-type, x-bbk-auth-token, x-bbk-audience, x-bbk-connectors',
      )
      .header('access-control-max-age', '86400')
      .header('vary', 'Access-Control-Request-Headers')
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
