import type { Dispatcher } from 'undici';
import { BbkApiError, BbkNetworkError } from './errors.js';
import { buildUrl, hasDotSegment, type QueryParams, requestTarget } from './url.js';

/** Options shared by every client. */
export interface HttpClientOptions {
  /** Service base URL including the base path, e.g. `http://localhost:8001/v1`. */
  baseUrl: string;
  /** Sent as `x-bbk-auth-token`. Development servers ignore it. */
  token?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** undici dispatcher (e.g. a MockAgent or a shared Agent). Default: a keep-alive Agent owned by this client. */
  dispatcher?: Dispatcher;
  /**
   * Sends through this `fetch` instead of undici: the browser transport (the web console). The SDK then
   * never loads undici, so a browser bundle of `@bbk/sdk/browser` holds none of it.
   * @example createHttpClient({ baseUrl, token, fetch: globalThis.fetch.bind(globalThis) })
   */
  fetch?: typeof globalThis.fetch;
  /** Whole-request timeout in milliseconds. Default 30 000; 0 disables it. */
  timeoutMs?: number;
}

/** One API call. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, already encoded (see `path`). */
  path: string;
  query?: QueryParams;
  /** Sent as JSON when defined. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A 2xx answer. `body` is parsed JSON, text for `text/*`, or undefined when empty. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  /** The `Location` header of a 201. */
  location: string | undefined;
  method: string;
  url: string;
}

/** The transport used by the typed clients. */
export interface HttpClient {
  readonly baseUrl: string;
  /**
   * Sends one request; resolves on 2xx, rejects with BbkApiError or BbkNetworkError.
   * `T` is not checked at run time.
   */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** Closes the client's own Agent (not an injected dispatcher). */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The two parts of undici the transport uses. */
export interface UndiciParts {
  Agent: typeof import('undici').Agent;
  /** undici's `request`, called on a dispatcher with `origin` and `path` (what `undici.request(url)` does). */
  request(
    dispatcher: Dispatcher,
    options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { url: URL; path?: string },
  ): Promise<Dispatcher.ResponseData>;
}

let parts: UndiciParts | undefined;

/**
 * undici's Agent and `request`, loaded on first use: importing the SDK (types, errors, paging) costs nothing,
 * and a program that never sends a request never loads them. They are required from undici's own files
 * (`lib/dispatcher/agent.js`, `lib/api/api-request.js`) rather than its index, which also loads fetch,
 * WebSocket, caches and mocks: a fifth of the time, which a command line pays on every run. Should a future undici
 * move those files, the index is used instead.
 * @example const { Agent } = undici();
 */
export function undici(): UndiciParts {
  if (parts) return parts;
  // no static `node:module` import: the browser build of the SDK (fetch transport) shares this file
  const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  type ApiRequest = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  let Agent: UndiciParts['Agent'];
  let apiRequest: ApiRequest;
  try {
    Agent = require('undici/lib/dispatcher/agent.js') as UndiciParts['Agent'];
    apiRequest = require('undici/lib/api/api-request.js') as ApiRequest;
    if (typeof Agent !== 'function' || typeof apiRequest !== 'function') throw new TypeError('unexpected undici');
  } catch {
    const full = require('undici') as typeof import('undici');
    Agent = full.Agent;
    apiRequest = function (this: Dispatcher, options: Dispatcher.RequestOptions) {
      return this.request(options);
    };
  }
  parts = {
    Agent,
    request: (dispatcher, { url, path, ...options }) =>
      apiRequest.call(dispatcher, {
        ...options,
        origin: url.origin,
        path: path ?? `${url.pathname}${url.search}`,
      } as Dispatcher.RequestOptions),
  };
  return parts;
}

/**
 * Creates the HTTP transport: the one place that calls undici.
 * @example
 * const http = createHttpClient({ baseUrl: 'http://localhost:8001/v1', token });
 * const { body } = await http.request({ method: 'GET', path: '/user' });
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { baseUrl, token, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  let ownAgent: Dispatcher | undefined;
  // Created on first use, so a client that never sends holds no pool.
  const dispatcher = (): Dispatcher => {
    if (options.dispatcher) return options.dispatcher;
    ownAgent ??= new (undici().Agent)({ keepAliveTimeout: 10_000 });
    return ownAgent;
  };
  const baseHeaders: Record<string, string> = {
    accept: 'application/json, text/plain;q=0.9, */*;q=0.8',
    ...options.headers,
    ...(token ? { 'x-bbk-auth-token': token } : {}),
  };

  async function send<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = buildUrl(baseUrl, req.path, req.query);
    // fetch resolves `.` and `..` segments: such an id would address another resource, so it is not sent
    if (options.fetch && hasDotSegment(requestTarget(url)))
      throw new TypeError('bbk: an id "." or ".." cannot be sent with fetch, which would address the parent path');
    const headers: Record<string, string> = { ...baseHeaders, ...req.headers };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [timeout, req.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const where = { method: req.method, url };

    let status: number;
    let resHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const exchange = options.fetch ? fetchExchange(options.fetch) : undiciExchange(dispatcher());
      ({ status, headers: resHeaders, text } = await exchange({ url, method: req.method, headers, payload, signal }));
    } catch (cause) {
      const kind = timeout?.aborted ? 'timeout' : req.signal?.aborted ? 'aborted' : 'network';
      throw new BbkNetworkError(kind, { ...where, cause });
    }

    const ok = status >= 200 && status < 300;
    let body: unknown;
    try {
      body = parseBody(text, header(resHeaders, 'content-type'));
    } catch (cause) {
      if (ok)
        throw new BbkNetworkError('invalid-response', { ...where, cause, detail: `${status} with malformed JSON` });
      body = text;
    }
    if (!ok) throw new BbkApiError({ status, body, headers: resHeaders, ...where });
    return { status, headers: resHeaders, body: body as T, location: header(resHeaders, 'location'), ...where };
  }

  return {
    baseUrl,
    request: send,
    async close() {
      const agent = ownAgent;
      ownAgent = undefined;
      await agent?.close();
    },
  };
}

/** One request on the wire and its whole answer: what the undici and fetch transports share. */
type Exchange = (r: {
  url: string;
  method: string;
  headers: Record<string, string>;
  payload: string | undefined;
  signal: AbortSignal | undefined;
}) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>;

function undiciExchange(dispatcher: Dispatcher): Exchange {
  return async ({ url, method, headers, payload, signal }) => {
    const res = await undici().request(dispatcher, {
      url: new URL(url),
      // as written: the parsed URL's path has `.`/`..` ids resolved away
      path: requestTarget(url),
      method: method as Dispatcher.HttpMethod,
      headers,
      body: payload,
      signal,
    });
    // Always drain the body so the keep-alive socket is released.
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  };
}

function fetchExchange(send: typeof globalThis.fetch): Exchange {
  return async ({ url, method, headers, payload, signal }) => {
    const res = await send(url, { method, headers, body: payload ?? null, ...(signal ? { signal } : {}) });
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      out[name] = value;
    });
    return { status: res.status, headers: out, text: await res.text() };
  };
}

/**
 * Parses a response body by content type: JSON for `application/json` (and `+json`), text otherwise;
 * an empty body is undefined. Throws SyntaxError on malformed JSON.
 * @example parseBody('"4527eff4-…"', 'application/json; charset=utf-8') // '4527eff4-…'
 */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return JSON.parse(text);
  return text;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Constructor input of the typed clients: transport options, or an existing transport to share. */
export type ClientInit = HttpClientOptions | { http: HttpClient };

/**
 * Resolves a ClientInit to a transport.
 * @example const http = toHttpClient({ baseUrl: 'http://localhost:8001/v1' });
 */
export function toHttpClient(init: ClientInit): HttpClient {
  return 'http' in init ? init.http : createHttpClient(init);
}
