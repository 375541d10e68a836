import { type Logger, pino } from 'pino';
import { LogBuffer } from './log-buffer.js';

/** What the one line per request says (docs/OPERATIONS.md), in the order it is written. */
export interface RequestLine {
  reqId: string;
  method: string;
  /** The route pattern; undefined when no route matched (logged as `null`). */
  route: string | undefined;
  /** Already redacted (`loggedUrl`). */
  url: string;
  status: number;
  durationMs: number;
  callerKind?: string | undefined;
  callerId?: number | undefined;
  policy?: string | null | undefined;
  limitedBy?: string | null | undefined;
}

/** The levels a request line is written at, with pino's numbers. */
const LEVELS = { debug: 20, info: 30, warn: 40 } as const;
export type RequestLevel = keyof typeof LEVELS;

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

const NULL = utf8('null');
const POLICY = utf8(',"policy":');
const END = utf8(',"msg":"request"}\n');

/** The bytes a line holds besides its free text (reqId, url, policy) and its remembered parts: an upper bound. */
const FIXED_MOST = 160;

/** Remembered parts of lines, by the values they hold; a set that somehow grew past this is dropped and made again. */
const MAX_REMEMBERED = 1000;

/**
 * The one line per request, serialised without going through pino's generic path: its fields are fixed, so
 * the line is one template of JSON, between the same `level`, `time`, `pid`, `hostname` and `msg` pino writes.
 * Written to a `LogBuffer` (the server's case), it is encoded straight into the buffer's chunk, with no text
 * made for it, from a few remembered parts: `{"level":…,"time":` per level; the time's digits, once per
 * millisecond; the process's `pid` and `hostname` with the `reqId` key; `method`, `route` and the `url` key per
 * route and method; `status` and the `durationMs` key per status; `callerKind` and the `callerId` key per kind;
 * `limitedBy` per limit. The rest is written as it comes: numbers digit by digit, plain ASCII strings byte by byte,
 * a string with anything to escape or beyond ASCII through `JSON.stringify` (bench/README.md#observability-overhead:
 * this costs about 1 µs a request less than making the line's text and encoding it). To any other destination,
 * the line is written as text. pino's `redact` has nothing to do here: the line holds no header, no body and no
 * token (the URL is scrubbed by `loggedUrl`).
 * @example new RequestLog(logger, out).write('info', { reqId: 'r1', method: 'GET', route: '/v1/entity', url: '/v1/entity', status: 200, durationMs: 1.2 })
 */
export class RequestLog {
  readonly #logger: Logger;
  readonly #out: { write(text: string): unknown };
  readonly #buffer: LogBuffer | undefined;
  /** `,"pid":…,"hostname":…` as pino writes them after `time` */
  readonly #base: string;
  readonly #baseReqId: Buffer;
  readonly #heads = new Map<number, Buffer>();
  #lastMs = -1;
  #lastMsBytes = utf8('0');
  readonly #routes = new Map<string | undefined, Map<string, Buffer>>();
  readonly #statuses: Buffer[] = [];
  readonly #callers = new Map<string, Buffer>();
  readonly #limits = new Map<string, Buffer>();

  constructor(logger: Logger, out: { write(text: string): unknown }) {
    this.#logger = logger;
    this.#out = out;
    this.#buffer = out instanceof LogBuffer ? out : undefined;
    this.#base = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
    this.#baseReqId = utf8(`${this.#base},"reqId":`);
    for (const value of Object.values(LEVELS)) this.#heads.set(value, utf8(`{"level":${value},"time":`));
  }

  /** Whether a line at this level is written at the logger's level. */
  enabled(level: RequestLevel): boolean {
    return LEVELS[level] >= this.#logger.levelVal;
  }

  write(level: RequestLevel, line: RequestLine): void {
    const value = LEVELS[level];
    if (value < this.#logger.levelVal) return;
    const buffer = this.#buffer;
    if (buffer !== undefined) {
      const route = this.#route(line.method, line.route);
      const free = line.reqId.length + line.url.length + (line.policy ? line.policy.length : 0);
      // a UTF-16 code unit is at most 6 bytes of JSON (`\uXXXX`), 3 of UTF-8
      const bytes = buffer.room(FIXED_MOST + this.#baseReqId.length + route.length + 6 * free);
      if (bytes !== undefined) {
        buffer.filledTo(this.#encode(bytes, buffer.filled, value, route, line));
        return;
      }
    }
    this.#out.write(this.#text(value, line));
  }

  /** The line encoded into `b` from `at` on (`route`: its method, route and url key); returns where it ends. */
  #encode(b: Buffer, at: number, level: number, route: Buffer, line: RequestLine): number {
    let p = put(b, at, this.#heads.get(level)!);
    const now = Date.now();
    if (now !== this.#lastMs) {
      this.#lastMs = now;
      this.#lastMsBytes = utf8(String(now));
    }
    p = put(b, p, this.#lastMsBytes);
    p = put(b, p, this.#baseReqId);
    p = jsonString(b, p, line.reqId);
    p = put(b, p, route);
    p = jsonString(b, p, line.url);
    p = put(b, p, this.#status(line.status));
    p = hundredths(b, p, line.durationMs);
    if (line.callerKind !== undefined) {
      p = put(
        b,
        p,
        remembered(this.#callers, line.callerKind, (kind) => `,"callerKind":${JSON.stringify(kind)},"callerId":`),
      );
      p = line.callerId == null ? put(b, p, NULL) : uint(b, p, line.callerId);
    }
    if (line.policy) {
      p = put(b, p, POLICY);
      p = jsonString(b, p, line.policy);
    }
    if (line.limitedBy)
      p = put(
        b,
        p,
        remembered(this.#limits, line.limitedBy, (limit) => `,"limitedBy":${JSON.stringify(limit)}`),
      );
    return put(b, p, END);
  }

  /** `,"method":…,"route":…,"url":` for a method and a route pattern (undefined: no route matched). */
  #route(method: string, route: string | undefined): Buffer {
    let methods = this.#routes.get(route);
    if (methods === undefined) {
      if (this.#routes.size >= MAX_REMEMBERED) this.#routes.clear();
      methods = new Map();
      this.#routes.set(route, methods);
    }
    return remembered(
      methods,
      method,
      (m) => `,"method":${JSON.stringify(m)},"route":${route === undefined ? 'null' : JSON.stringify(route)},"url":`,
    );
  }

  /** `,"status":…,"durationMs":` for a status (an HTTP status is remembered; anything else made each time). */
  #status(status: number): Buffer {
    const known = Number.isInteger(status) && status >= 100 && status < 600;
    let bytes = known ? this.#statuses[status] : undefined;
    if (bytes === undefined) {
      bytes = utf8(`,"status":${status},"durationMs":`);
      if (known) this.#statuses[status] = bytes;
    }
    return bytes;
  }

  /** The line as text (a destination other than a `LogBuffer`, or a line longer than its chunk). */
  #text(level: number, line: RequestLine): string {
    const route = line.route === undefined ? 'null' : JSON.stringify(line.route);
    let text = `{"level":${level},"time":${Date.now()}${this.#base},"reqId":${JSON.stringify(line.reqId)},"method":${JSON.stringify(line.method)},"route":${route},"url":${JSON.stringify(line.url)},"status":${line.status},"durationMs":${line.durationMs}`;
    if (line.callerKind !== undefined) {
      text += `,"callerKind":${JSON.stringify(line.callerKind)},"callerId":${line.callerId ?? null}`;
    }
    if (line.policy) text += `,"policy":${JSON.stringify(line.policy)}`;
    if (line.limitedBy) text += `,"limitedBy":${JSON.stringify(line.limitedBy)}`;
    return `${text},"msg":"request"}\n`;
  }
}

/** The part remembered for `key` in `parts`, made by `make` the first time (the set is bounded). */
function remembered(parts: Map<string, Buffer>, key: string, make: (key: string) => string): Buffer {
  let bytes = parts.get(key);
  if (bytes === undefined) {
    if (parts.size >= MAX_REMEMBERED) parts.clear();
    bytes = utf8(make(key));
    parts.set(key, bytes);
  }
  return bytes;
}

/** Copies `part` into `b` at `at`; returns where it ends. A short part is copied in a loop, where `set` costs more. */
function put(b: Buffer, at: number, part: Buffer): number {
  if (part.length > 16) {
    b.set(part, at);
    return at + part.length;
  }
  let p = at;
  for (let i = 0; i < part.length; i++) b[p++] = part[i]!;
  return p;
}

/** `text` as a JSON string: printable ASCII with nothing to escape byte by byte, anything else as `JSON.stringify` writes it. */
function jsonString(b: Buffer, at: number, text: string): number {
  let p = at;
  b[p++] = 0x22;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return at + b.write(JSON.stringify(text), at, 'utf8');
    b[p++] = c;
  }
  b[p++] = 0x22;
  return p;
}

/** A non-negative safe integer in decimal, as `String(n)` writes it; any other number through `String`. */
function uint(b: Buffer, at: number, n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) return at + b.write(String(n), at, 'latin1');
  let digits = 1;
  for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
  const end = at + digits;
  let rest = n;
  for (let i = end - 1; i >= at; i--) {
    b[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return end;
}

/**
 * A duration already rounded to hundredths, as `String(n)` writes it (`12`, `12.5`, `12.05`): the shortest
 * decimal of such a double is its value in hundredths. Beyond a billion seconds, or not a number, through `String`.
 */
function hundredths(b: Buffer, at: number, n: number): number {
  const c = Math.round(n * 100);
  if (!(c >= 0 && c < 1e14) || c / 100 !== n) return at + b.write(String(n), at, 'latin1');
  let p = uint(b, at, Math.floor(c / 100));
  const f = c % 100;
  if (f !== 0) {
    b[p++] = 0x2e;
    b[p++] = 0x30 + Math.floor(f / 10);
    if (f % 10 !== 0) b[p++] = 0x30 + (f % 10);
  }
  return p;
}
