// The conventions every API surface shares (spec §1): bodies, ETags, errors, CORS.
import { hash } from 'node:crypto';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { REASON_PHRASES } from '@bbk/sdk/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import type { ServerMode } from '../config.js';
import { ApiError, errorBody } from '../errors.js';
import { AuditBrokenError } from '../storage/audit-store.js';
import { isMissingParent, isStorageFull, StoreUnavailableError } from '../storage/store.js';
import { parseJsonBody } from '../validation/index.js';
import type { Completions } from './observe.js';

/** The decoders of a JSON body's `Content-Encoding`, those Express's body parser takes; `identity` is none. */
const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
};

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;

/**
 * Only `application/json` is parsed (strictly, Node-16 syntax errors, at most `maxDepth` levels
 * when given); an empty body is `{}`; any other content type is drained and ignored (spec §1.5).
 * A JSON body may come compressed (`Content-Encoding: gzip`, `x-gzip`, `deflate`, or `identity`), as Express's
 * parser takes it: the 100 MB limit is on the decoded body (a small body that inflates past it is a 413), data
 * that does not decode is a 400 `syntax`, and any other encoding a 415. A body that is not parsed (another
 * content type, a route that takes none) is drained unread whatever its encoding.
 */
export function bodyParsers(app: FastifyInstance, maxDepth: number | undefined): void {
  // on the routes that read a body only: a GET (an entity detail) runs no hook for it
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((m) => BODY_METHODS.has(m) && !ignoresBody(m, route.url))) return;
    route.preParsing = [route.preParsing ?? []].flat().concat(decodeBody);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    const parsed = parseJsonBody(text, maxDepth);
    if (parsed.ok) return done(null, parsed.value);
    // a route that takes no body ignores any, a malformed one too (spec §1.5); the access routes read only an
    // optional `expires` from it, and a body that is not JSON means no expiry (docs/DECISIONS.md)
    if (ignoresBody(req.method, req.routeOptions.url)) return done(null, undefined);
    return done(ApiError.validation([parsed.item]), undefined);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
}

/** The methods whose routes may read a body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The `preParsing` hook of a route that reads a JSON body: decodes its `Content-Encoding` (`bodyParsers`). */
const decodeBody: preParsingHookHandler = (req, _reply, payload, done) => {
  const header = req.headers['content-encoding'];
  const encoding = header?.trim().toLowerCase();
  if (!encoding || encoding === 'identity' || !JSON_TYPE.test(req.headers['content-type'] ?? ''))
    return done(null, payload);
  const decoder = DECODERS[encoding];
  if (!decoder) {
    payload.resume(); // drained unread
    return done(ApiError.text('UNSUPPORTED_MEDIA_TYPE', `unsupported content encoding "${header}"`), undefined);
  }
  done(null, decoded(payload, decoder(), encoding));
};

/**
 * `payload` through `decoder`, as Fastify reads a body a `preParsing` hook changed: `receivedEncodedLength`
 * counts the bytes received (checked against `Content-Length`). Data the decoder refuses ends the body with a 400
 * `syntax`; what the client still sends is read and dropped, so the answer reaches it.
 */
function decoded(payload: Readable, decoder: Transform, encoding: string): Readable {
  const out = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  decoder.on('error', (err) => {
    payload.unpipe(decoder);
    payload.resume();
    out.destroy(ApiError.one('syntax', `the body is not valid ${encoding} data (${err.message})`));
  });
  payload.pipe(decoder).pipe(out);
  return out;
}

/**
 * The routes that take no body (spec §1.5: promote, live, access; and every delete), or only an optional one
 * (an access's `expires`), by method and route pattern.
 */
function ignoresBody(method: string, route: string | undefined): boolean {
  if (route === undefined) return false;
  if (method === 'DELETE') return true;
  return (
    route.endsWith('/user/:uid/coordinator') || route.endsWith('/live') || route.endsWith('/user/:uid/access/:pid')
  );
}

/**
 * Whether `If-None-Match` names the current representation: `*`, or one of its tags by the weak comparison
 * (RFC 9110 §13.1.2: `"x"` and `W/"x"` are one tag), as Express's `fresh` decides.
 */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque);
}

function weakEtag(payload: string | Buffer): string {
  const digest = hash('sha1', payload, 'base64').slice(0, 27);
  return `W/"${Buffer.byteLength(payload).toString(16)}-${digest}"`;
}

/**
 * Weak ETags on every 200 GET, and on its HEAD (the same headers, RFC 9110 §9.3.2: the hook sees the GET's body
 * before Fastify drops it); a matching `If-None-Match` gets 304 (spec §1.1).
 */
export function weakEtags(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = weakEtag(payload);
    reply.header('etag', etag);
    if (matches(req.headers['if-none-match'], etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });
}

/** The standard body for any error that reaches the error handler with a 4xx status of its own. */
function clientErrorBody(err: Error & { statusCode?: number }): { status: number; body: ReturnType<typeof errorBody> } {
  // Fastify's own 415 is a Content-Type header it cannot read (the `*` parser takes any it can): a bad request, as
  // it always was here; bbk's 415 (an unsupported Content-Encoding) is an ApiError and never comes this way
  const own = err.statusCode === 415 ? undefined : err.statusCode;
  const status = own && REASON_PHRASES[own] && own < 500 ? own : 400;
  const message = status === 400 ? [{ name: 'request', index: null, reason: err.message }] : '';
  return { status, body: errorBody(status, message) };
}

/** The `message` of a 507: the database's disk is full. */
const STORAGE_FULL = 'the database has no room left: nothing was written';

/** The one error handler (every error becomes the standard body, spec §1.7) and the 404. */
export function errorHandlers(app: FastifyInstance, mode: ServerMode, log: Pick<Completions, 'error'>): void {
  app.setErrorHandler((thrown: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (thrown instanceof StoreUnavailableError && thrown.cause !== undefined)
      log.error(req, thrown.cause, thrown.message);
    const full = isStorageFull(thrown);
    if (full) log.error(req, thrown, STORAGE_FULL);
    if (thrown instanceof AuditBrokenError) {
      // a broken audit log is not written on: every audited change waits for an operator
      log.error(req, thrown, thrown.message);
      return reply.code(503).send(errorBody(503, thrown.message));
    }
    const err =
      thrown instanceof StoreUnavailableError
        ? new ApiError('UNAVAILABLE')
        : full
          ? ApiError.text('INSUFFICIENT_STORAGE', STORAGE_FULL)
          : isMissingParent(thrown)
            ? new ApiError('NOT_FOUND')
            : thrown;
    if (err instanceof ApiError) {
      if (err.code === 'UNAVAILABLE') reply.header('retry-after', '1');
      return reply.code(err.status).send(errorBody(err.status, err.items ?? err.text ?? ''));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody(413));
    if ((err.statusCode ?? 500) < 500) {
      // Fastify's own client errors (bad headers, aborted bodies): answer in the standard format
      const { status, body } = clientErrorBody(err);
      return reply.code(status).send(body);
    }
    log.error(req, err, err.message);
    return reply.code(500).send(errorBody(500, mode === 'production' ? '' : err.message));
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(404));
  });
}

/** Open CORS (spec §1.1): a preflight on every path allows whatever headers the browser asks to send. */
export function openCors(app: FastifyInstance): void {
  app.options('*', (req, reply) => preflight(req, reply));
}

/** The answer to a CORS preflight: 204, every method, the headers asked for. */
export function preflight(req: FastifyRequest, reply: FastifyReply): void {
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
}
