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

/** The fixed parts of a line, as bytes. */
const PART = {
  level: utf8('{"level":'),
  time: utf8(',"time":'),
  reqId: utf8(',"reqId":'),
  method: utf8(',"method":'),
  route: utf8(',"route":'),
  url: utf8(',"url":'),
  status: utf8(',"status":'),
  duration: utf8(',"durationMs":'),
  callerKind: utf8(',"callerKind":'),
  callerId: utf8(',"callerId":'),
  policy: utf8(',"policy":'),
  limitedBy: utf8(',"limitedBy":'),
  null: utf8('null'),
  end: utf8(',"msg":"request"}\n'),
};

/** The bytes a line holds besides its free text (reqId, url, policy) and the remembered values: an upper bound. */
const FIXED_MOST = 400;

/**
 * The one line per request, serialised without going through pino's generic path: its fields are fixed, so
 * the line is one template of JSON, between the same `level`, `time`, `pid`, `hostname` and `msg` pino writes.
 * Written to a `LogBuffer` (the server's case), it is encoded straight into the buffer's chunk, with no text
 * made for it: the fixed parts and the values of small sets (route patterns, methods, caller kinds, limits) are
 * bytes made once, numbers are written digit by digit, and plain ASCII strings byte by byte; a string with
 * anything to escape or beyond ASCII goes through `JSON.stringify` (bench/README.md#observability-overhead: this
 * costs about 1 µs a request less than making the line's text and encoding it). To any other destination, the
 * line is written as text. pino's `redact` has nothing to do here: the line holds no header, no body and no token
 * (the URL is scrubbed by `loggedUrl`).
 * @example new RequestLog(logger, out).write('info', { reqId: 'r1', method: 'GET', route: '/v1/entity', url: '/v1/entity', status: 200, durationMs: 1.2 })
 */
export class RequestLog {
  readonly #logger: Logger;
  readonly #out: { write(text: string): unknown };
  readonly #buffer: LogBuffer | undefined;
  /** `,"pid":…,"hostname":…` as pino writes them after `time`, as text and as bytes */
  readonly #base: string;
  readonly #baseBytes: Buffer;
  readonly #literals = new Map<string, { json: string; bytes: Buffer }>();

  constructor(logger: Logger, out: { write(text: string): unknown }) {
    this.#logger = logger;
    this.#out = out;
    this.#buffer = out instanceof LogBuffer ? out : undefined;
    this.#base = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
    this.#baseBytes = utf8(this.#base);
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
      const route = line.route === undefined ? PART.null : this.#known(line.route).bytes;
      const free = line.reqId.length + line.url.length + (line.policy ? line.policy.length : 0);
      // a UTF-16 code unit is at most 6 bytes of JSON (`\uXXXX`), 3 of UTF-8
      const bytes = buffer.room(FIXED_MOST + this.#baseBytes.length + route.length + 6 * free);
      if (bytes !== undefined) {
        buffer.filledTo(this.#encode(bytes, buffer.filled, value, route, line));
        return;
      }
    }
    this.#out.write(this.#text(value, line));
  }

  /** The line encoded into `b` from `at` on; returns where it ends. */
  #encode(b: Buffer, at: number, level: number, route: Buffer, line: RequestLine): number {
    let p = copy(b, at, PART.level);
    p = uint(b, p, level);
    p = copy(b, p, PART.time);
    p = uint(b, p, Date.now());
    p = copy(b, p, this.#baseBytes);
    p = copy(b, p, PART.reqId);
    p = jsonString(b, p, line.reqId);
    p = copy(b, p, PART.method);
    p = copy(b, p, this.#known(line.method).bytes);
    p = copy(b, p, PART.route);
    p = copy(b, p, route);
    p = copy(b, p, PART.url);
    p = jsonString(b, p, line.url);
    p = copy(b, p, PART.status);
    p = uint(b, p, line.status);
    p = copy(b, p, PART.duration);
    p = hundredths(b, p, line.durationMs);
    if (line.callerKind !== undefined) {
      p = copy(b, p, PART.callerKind);
      p = copy(b, p, this.#known(line.callerKind).bytes);
      p = copy(b, p, PART.callerId);
      p = line.callerId == null ? copy(b, p, PART.null) : uint(b, p, line.callerId);
    }
    if (line.policy) {
      p = copy(b, p, PART.policy);
      p = jsonString(b, p, line.policy);
    }
    if (line.limitedBy) {
      p = copy(b, p, PART.limitedBy);
      p = copy(b, p, this.#known(line.limitedBy).bytes);
    }
    return copy(b, p, PART.end);
  }

  /** The line as text (a destination other than a `LogBuffer`, or a line longer than its chunk). */
  #text(level: number, line: RequestLine): string {
    let text = `{"level":${level},"time":${Date.now()}${this.#base},"reqId":${JSON.stringify(line.reqId)},"method":${this.#known(line.method).json},"route":${line.route === undefined ? 'null' : this.#known(line.route).json},"url":${JSON.stringify(line.url)},"status":${line.status},"durationMs":${line.durationMs}`;
    if (line.callerKind !== undefined) {
      text += `,"callerKind":${this.#known(line.callerKind).json},"callerId":${line.callerId ?? null}`;
    }
    if (line.policy) text += `,"policy":${JSON.stringify(line.policy)}`;
    if (line.limitedBy) text += `,"limitedBy":${this.#known(line.limitedBy).json}`;
    return `${text},"msg":"request"}\n`;
  }

  /** A string of a small fixed set (route patterns, methods, caller kinds, limits) as JSON, escaped once. */
  #known(text: string): { json: string; bytes: Buffer } {
    let known = this.#literals.get(text);
    if (known === undefined) {
      const json = JSON.stringify(text);
      known = { json, bytes: utf8(json) };
      // bounded: route patterns and the few values of the other fields, never requested paths;
      // a set that somehow grew is dropped rather than kept
      if (this.#literals.size >= 1000) this.#literals.clear();
      this.#literals.set(text, known);
    }
    return known;
  }
}

/** Copies `part` into `b` at `at` (a loop: these parts are too short for `set` to pay); returns where it ends. */
function copy(b: Buffer, at: number, part: Buffer): number {
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
