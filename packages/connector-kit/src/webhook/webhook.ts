import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ErrorBody, type JsonObject, REASON_PHRASES, type ValidationItem } from '@bbk/sdk';
import { isPlainObject, stripPrivate } from '../private-keys.js';
import { parseTimeseriesQuery, type TimeseriesQuery } from './params.js';
import { type PointInput, shapePoints } from './points.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './signature.js';

type Maybe<T> = T | null | undefined;

/** The routes and their number of parameters. */
const ARITY = { health: 0, entity: 2, timeseries: 3 } as const;

/** Live data merged into a catalog record's detail: `entity` and `instance` are shallow-merged (spec §4.4). */
export interface EntityExtras {
  entity?: JsonObject;
  instance?: JsonObject;
}

/** What the handlers are told about the call besides its parameters. */
export interface WebhookCall {
  /** The raw request, for headers or logging. */
  request: IncomingMessage;
}

/** The connector's data access. Return `undefined` or `null` for an id (or tsid) you do not know: the kit answers 404. */
export interface WebhookHandlers {
  /**
   * `GET /entity/{type}/{id}`: live extras for one of your records (`id` is your own vendor id, decoded).
   * Returning the whole record is fine: only `entity` and `instance` are sent, without `_` keys.
   */
  entity?(type: string, id: string, call: WebhookCall): Maybe<EntityExtras> | Promise<Maybe<EntityExtras>>;
  /**
   * `GET /timeseries/{type}/{id}/{tsid}?start&end&limit`: the points of a series, in any order. The kit keeps
   * `start ≤ from < end`, orders newest first and applies `limit`; use the window only to read less.
   */
  timeseries?(
    type: string,
    id: string,
    tsid: string,
    query: TimeseriesQuery,
    call: WebhookCall,
  ): Maybe<Iterable<PointInput>> | Promise<Maybe<Iterable<PointInput>>>;
}

/** Options of `createWebhook`. */
export interface WebhookOptions {
  /** The connector's `webhook_secret`: when set, calls without a valid, recent `x-bbk-signature` get 401. */
  secret?: string;
  /** Accepted clock difference for signatures, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** Path the routes live under, e.g. `/hooks/countries` when the registered webhook URL has that path. Default none. */
  basePath?: string;
  /** Told about handler failures (answered 500 without details). Default: `console.error`. */
  onError?: (error: unknown, request: IncomingMessage) => void;
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
}

/** A running (or ready to run) webhook server. */
export interface Webhook {
  /** The request listener, to mount in a server of your own instead of calling `listen`. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** The underlying node:http server. */
  readonly server: Server;
  /** The URL to register as the connector's webhook, once listening. */
  readonly url: string | undefined;
  /** Starts listening (port 0 = any free port; host default `127.0.0.1`) and resolves to the webhook URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * A webhook server for the calls bbk makes to a connector (spec §5), on node:http.
 * @example
 * const webhook = createWebhook({
 *   entity: (type, id) => live.get(id),
 *   timeseries: (type, id, tsid) => (tsid === 'population' ? series.get(id) : undefined),
 * }, { secret: process.env.BBK_WEBHOOK_SECRET });
 * const url = await webhook.listen(8080, '0.0.0.0');
 */
export function createWebhook(handlers: WebhookHandlers, options: WebhookOptions = {}): Webhook {
  const basePath = `/${(options.basePath ?? '').replace(/^\/+|\/+$/g, '')}`.replace(/\/$/, '');
  const onError = options.onError ?? ((error: unknown) => console.error('bbk webhook: handler failed:', error));
  const state: RouteState = {
    handlers,
    options,
    basePath,
    now: options.now ?? Date.now,
    started: 0,
    stats: { entity: 0, timeseries: 0, failures: 0 },
  };
  state.started = state.now();

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    route(state, request, response).catch((error: unknown) => {
      state.stats.failures++;
      onError(error, request);
      if (!response.headersSent) sendError(response, 500);
      else response.destroy();
    });
  };
  return listenerOf(createServer(handle), handle, basePath);
}

/** What every call of one webhook shares. */
interface RouteState {
  handlers: WebhookHandlers;
  options: WebhookOptions;
  basePath: string;
  now: () => number;
  started: number;
  stats: { entity: number; timeseries: number; failures: number };
}

/** Routes one call: path and method, the health answer, the signature check, then the data handlers. */
async function route(state: RouteState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.url ?? '/';
  const url = new URL(target, 'http://webhook.invalid');
  // from the target as sent: the URL parser would collapse `%2E%2E` (a vendor id `..`) into the parent path
  const segments = routeSegments(target.split(/[?#]/, 1)[0] ?? '/', state.basePath);
  if (segments === undefined) return sendError(response, 404);
  if (segments === 'malformed')
    return sendError(response, 400, [{ name: 'path', index: null, reason: 'is not valid percent-encoding' }]);
  const [kind, ...params] = segments;
  const shape = kind !== undefined && Object.hasOwn(ARITY, kind) ? (kind as keyof typeof ARITY) : undefined;
  if (shape === undefined || ARITY[shape] !== params.length) return sendError(response, 404);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return sendError(response, 405);
  }
  if (shape === 'health') {
    return sendJson(response, 200, {
      status: 'ok',
      uptime_s: Math.round((state.now() - state.started) / 1000),
      calls: { ...state.stats },
    });
  }
  const { secret, toleranceSeconds } = state.options;
  if (secret !== undefined) {
    const check = verifyWebhookSignature(
      secret,
      request.headers[SIGNATURE_HEADER],
      { method: request.method, target },
      { toleranceSeconds, now: state.now() },
    );
    if (!check.ok) return sendError(response, 401);
  }
  return answerData(state, { shape, params, url, request }, response);
}

/** The entity and timeseries answers, from the connector's handlers. */
async function answerData(
  { handlers, stats }: RouteState,
  call: { shape: 'entity' | 'timeseries'; params: string[]; url: URL; request: IncomingMessage },
  response: ServerResponse,
): Promise<void> {
  const told: WebhookCall = { request: call.request };
  const [type = '', id = '', tsid = ''] = call.params;
  if (call.shape === 'entity') {
    stats.entity++;
    const extras = await handlers.entity?.(type, id, told);
    if (extras === undefined || extras === null) return sendError(response, 404);
    return sendJson(response, 200, entityBody(extras));
  }
  stats.timeseries++;
  const parsed = parseTimeseriesQuery(call.url.searchParams);
  if (!parsed.ok) return sendError(response, 400, parsed.items);
  const points = await handlers.timeseries?.(type, id, tsid, parsed.query, told);
  if (points === undefined || points === null) return sendError(response, 404);
  const { start, end, limit } = parsed.query;
  return sendJson(response, 200, shapePoints(points, { start: start?.getTime(), end: end?.getTime(), limit }));
}

/** The `Webhook` around a node:http server: listen, close, and the URL to register. */
function listenerOf(server: Server, handle: Webhook['handle'], basePath: string): Webhook {
  let url: string | undefined;
  return {
    handle,
    server,
    get url() {
      return url;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
          const path = basePath.split('/').map(encodeURIComponent).join('/');
          url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}${path}`;
          resolve(url);
        });
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Decoded path segments below `basePath` (whose segments are compared decoded, so `/my hooks` matches
 * `/my%20hooks`); `undefined` when outside it, `'malformed'` on bad escapes. `.` and `..` segments are ids like
 * any other: the path is split as sent, never resolved.
 */
function routeSegments(path: string, basePath: string): string[] | undefined | 'malformed' {
  let segments: string[];
  try {
    segments = path
      .replace(/^\/|\/$/g, '')
      .split('/')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return 'malformed';
  }
  const base = basePath.split('/').filter((segment) => segment !== '');
  if (base.some((segment, i) => segments[i] !== segment)) return undefined;
  return segments.slice(base.length);
}

function entityBody(extras: EntityExtras): EntityExtras {
  const body: EntityExtras = {};
  if (isPlainObject(extras.entity)) body.entity = stripPrivate(extras.entity);
  if (isPlainObject(extras.instance)) body.instance = stripPrivate(extras.instance);
  return body;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, items?: ValidationItem[]): void {
  const body: ErrorBody = { error: { code: status, status: REASON_PHRASES[status] ?? 'Error', message: items ?? '' } };
  sendJson(response, status, body);
}
