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
 * (the URL is scrubbed by `loggedUrl`). Route patterns are escaped once and remembered.
 * @example new RequestLog(logger, out).write('info', { reqId: 'r1', method: 'GET', route: '/v1/entity', url: '/v1/entity', status: 200, durationMs: 1.2 })
 */
export class RequestLog {
  readonly #logger: Logger;
  readonly #out: { write(text: string): unknown };
  /** `,"pid":…,"hostname":…` as pino writes them after `time` */
  readonly #base: string;
  readonly #routes = new Map<string, string>();

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
    let text = `{"level":${value},"time":${Date.now()}${this.#base},"reqId":${JSON.stringify(line.reqId)},"method":${JSON.stringify(line.method)},"route":${this.#route(line.route)},"url":${JSON.stringify(line.url)},"status":${line.status},"durationMs":${line.durationMs}`;
    if (line.callerKind !== undefined) {
      text += `,"callerKind":${JSON.stringify(line.callerKind)},"callerId":${JSON.stringify(line.callerId ?? null)}`;
    }
    if (line.policy) text += `,"policy":${JSON.stringify(line.policy)}`;
    if (line.limitedBy) text += `,"limitedBy":${JSON.stringify(line.limitedBy)}`;
    this.#out.write(`${text},"msg":"request"}\n`);
  }

  #route(route: string | undefined): string {
    if (route === undefined) return 'null';
    let json = this.#routes.get(route);
    if (json === undefined) {
      json = JSON.stringify(route);
      this.#routes.set(route, json); // bounded: route patterns, never requested paths
    }
    return json;
  }
}
