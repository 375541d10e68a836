import { type Logger, pino } from 'pino';

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

/**
 * The one line per request, serialised without going through pino's generic path: its fields are fixed,
 * so the line is one template of JSON text (the strings escaped by `JSON.stringify`), written to the
 * logger's own destination between the same `level`, `time`, `pid`, `hostname` and `msg` pino writes.
 * pino's `redact` has nothing to do here: the line holds no header, no body and no token
 * (the URL is scrubbed by `loggedUrl`). Route patterns, methods and other values of small sets are escaped
 * once and remembered; the time is converted to text once per millisecond.
 * @example new RequestLog(logger, out).write('info', { reqId: 'r1', method: 'GET', route: '/v1/entity', url: '/v1/entity', status: 200, durationMs: 1.2 })
 */
export class RequestLog {
  readonly #logger: Logger;
  readonly #out: { write(text: string): unknown };
  /** `,"pid":…,"hostname":…` as pino writes them after `time` */
  readonly #base: string;
  readonly #literals = new Map<string, string>();
  #lastMs = 0;
  #lastMsText = '0';

  constructor(logger: Logger, out: { write(text: string): unknown }) {
    this.#logger = logger;
    this.#out = out;
    this.#base = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  }

  /** Whether a line at this level is written at the logger's level. */
  enabled(level: RequestLevel): boolean {
    return LEVELS[level] >= this.#logger.levelVal;
  }

  write(level: RequestLevel, line: RequestLine): void {
    const value = LEVELS[level];
    if (value < this.#logger.levelVal) return;
    let text = `{"level":${value},"time":${this.#time()}${this.#base},"reqId":${JSON.stringify(line.reqId)},"method":${this.#known(line.method)},"route":${line.route === undefined ? 'null' : this.#known(line.route)},"url":${JSON.stringify(line.url)},"status":${line.status},"durationMs":${line.durationMs}`;
    if (line.callerKind !== undefined) {
      text += `,"callerKind":${this.#known(line.callerKind)},"callerId":${line.callerId ?? null}`;
    }
    if (line.policy) text += `,"policy":${JSON.stringify(line.policy)}`;
    if (line.limitedBy) text += `,"limitedBy":${this.#known(line.limitedBy)}`;
    this.#out.write(`${text},"msg":"request"}\n`);
  }

  /** `Date.now()` as text, converted once per millisecond (several lines share one). */
  #time(): string {
    const now = Date.now();
    if (now !== this.#lastMs) {
      this.#lastMs = now;
      this.#lastMsText = String(now);
    }
    return this.#lastMsText;
  }

  /** A string of a small fixed set (route patterns, methods, caller kinds, limits) as JSON, escaped once. */
  #known(text: string): string {
    let json = this.#literals.get(text);
    if (json === undefined) {
      json = JSON.stringify(text);
      // bounded: route patterns and the few values of the other fields, never requested paths;
      // a set that somehow grew is dropped rather than kept
      if (this.#literals.size >= 1000) this.#literals.clear();
      this.#literals.set(text, json);
    }
    return json;
  }
}
