import { connect, type Socket } from 'node:net';

/** What came back for one raw request. */
export interface RawResponse {
  /** `answered`: a full HTTP response; `closed`: the server closed first; `timeout`: nothing in time. */
  outcome: 'answered' | 'closed' | 'timeout' | 'error';
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
  /** Bytes received before the connection closed, when it closed without a full response. */
  partial: Buffer;
  /** Whether the server closed the connection after the response (or instead of one). */
  serverClosed: boolean;
  ms: number;
  error?: string;
}

/** Where to send: a listener's host and port. */
export interface Target {
  host: string;
  port: number;
}

/**
 * A minimal HTTP/1.1 client over `node:net` that sends bytes exactly as given (the fuzzer needs
 * malformed framing, odd methods and raw header bytes that fetch/undici refuse to send), with a
 * keep-alive pool for well-formed requests.
 */
export class RawHttp {
  private idle = new Map<string, Socket[]>();
  private all = new Set<Socket>();

  /**
   * Sends `bytes` and reads one response. `fresh` forces a new connection that is closed after
   * the response (malformed cases); `halfClose` ends the client's side after writing.
   */
  async send(
    target: Target,
    bytes: Buffer,
    options: { timeoutMs: number; fresh?: boolean; halfClose?: boolean; headOnly?: boolean },
  ): Promise<RawResponse> {
    const key = `${target.host}:${target.port}`;
    const reused = !options.fresh ? this.idle.get(key)?.pop() : undefined;
    const res = await this.exchange(reused ?? this.open(target), bytes, options);
    // a pooled connection the server had already closed: retry once on a new one
    if (reused && res.outcome !== 'answered' && res.partial.length === 0) {
      return this.exchange(this.open(target), bytes, options).then((r) => this.keep(key, r, options));
    }
    return this.keep(key, res, options);
  }

  /** Closes every connection. */
  close(): void {
    for (const s of this.all) s.destroy();
    this.all.clear();
    this.idle.clear();
  }

  private sockets = new WeakMap<RawResponse, Socket>();

  private keep(key: string, res: RawResponse, options: { fresh?: boolean }): RawResponse {
    const socket = this.sockets.get(res);
    if (!socket) return res;
    if (options.fresh || res.outcome !== 'answered' || res.serverClosed || socket.destroyed) {
      socket.destroy();
      this.all.delete(socket);
    } else {
      const list = this.idle.get(key) ?? [];
      list.push(socket);
      this.idle.set(key, list);
    }
    return res;
  }

  private open(target: Target): Socket {
    const socket = connect({ host: target.host, port: target.port, noDelay: true });
    socket.on('error', () => {});
    this.all.add(socket);
    socket.once('close', () => {
      this.all.delete(socket);
      for (const list of this.idle.values()) {
        const i = list.indexOf(socket);
        if (i >= 0) list.splice(i, 1);
      }
    });
    return socket;
  }

  private exchange(
    socket: Socket,
    bytes: Buffer,
    options: { timeoutMs: number; halfClose?: boolean; headOnly?: boolean },
  ): Promise<RawResponse> {
    const started = performance.now();
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = (outcome: RawResponse['outcome'], parsed?: Parsed, error?: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.off('error', onError);
        const all = Buffer.concat(chunks);
        const res: RawResponse = {
          outcome,
          status: parsed?.status ?? 0,
          headers: parsed?.headers ?? {},
          body: parsed?.body ?? Buffer.alloc(0),
          partial: parsed ? Buffer.alloc(0) : all,
          serverClosed: outcome !== 'answered' || socket.destroyed || parsed?.close === true,
          ms: performance.now() - started,
          ...(error ? { error } : {}),
        };
        this.sockets.set(res, socket);
        resolve(res);
      };
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        const parsed = parseResponse(Buffer.concat(chunks), false, options.headOnly);
        if (parsed) finish('answered', parsed);
      };
      const onClose = () => {
        const parsed = parseResponse(Buffer.concat(chunks), true, options.headOnly);
        finish(parsed ? 'answered' : 'closed', parsed ?? undefined);
      };
      const onError = (err: Error) => {
        const parsed = parseResponse(Buffer.concat(chunks), true, options.headOnly);
        finish(parsed ? 'answered' : 'error', parsed ?? undefined, err.message);
      };
      const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
      socket.on('data', onData);
      socket.on('close', onClose);
      socket.on('error', onError);
      if (socket.destroyed) return onClose();
      socket.write(bytes, (err) => {
        if (!err && options.halfClose) socket.end();
      });
    });
  }
}

interface Parsed {
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
  close: boolean;
}

/**
 * Parses one HTTP/1.1 response from `buf`, or returns null when more bytes are needed.
 * `eof`: the connection has ended, so a body without framing ends here.
 */
export function parseResponse(buf: Buffer, eof: boolean, headOnly = false): Parsed | null {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return eof ? { status: -1, headers: {}, body: buf, close: true } : null;
  const status = Number(m[1]);
  // an interim response (100 Continue): the final one follows
  if (status >= 100 && status < 200 && status !== 101) return parseResponse(buf.subarray(end + 4), eof, headOnly);
  const headers: Record<string, string[]> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    headers[name] = [...(headers[name] ?? []), line.slice(i + 1).trim()];
  }
  const close = (headers.connection ?? []).some((v) => v.toLowerCase() === 'close');
  const rest = buf.subarray(end + 4);
  if (headOnly || status === 204 || status === 304 || status === 101) {
    return { status, headers, body: Buffer.alloc(0), close };
  }
  const te = (headers['transfer-encoding'] ?? []).join(',').toLowerCase();
  if (te.includes('chunked')) {
    const body = dechunk(rest);
    if (body) return { status, headers, body, close };
    return eof ? { status, headers, body: rest, close: true } : null;
  }
  const cl = headers['content-length']?.[0];
  if (cl !== undefined) {
    const n = Number(cl);
    if (rest.length >= n) return { status, headers, body: rest.subarray(0, n), close };
    return eof ? { status, headers, body: rest, close: true } : null;
  }
  return eof ? { status, headers, body: rest, close: true } : null;
}

function dechunk(buf: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', at);
    if (nl < 0) return null;
    const size = Number.parseInt(buf.subarray(at, nl).toString('latin1'), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return buf.indexOf('\r\n', nl + 2) >= 0 ? Buffer.concat(parts) : null;
    if (buf.length < nl + 2 + size + 2) return null;
    parts.push(buf.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
}

/** Serialises a request; header values go out as given (latin1 bytes), the body as bytes. */
export function buildRequest(req: {
  method: string;
  path: string;
  host: string;
  headers?: Array<[string, string]>;
  body?: Buffer;
}): Buffer {
  const lines = [`${req.method} ${req.path} HTTP/1.1`, `host: ${req.host}`];
  for (const [k, v] of req.headers ?? []) lines.push(`${k}: ${v}`);
  if (req.body) lines.push(`content-length: ${req.body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return req.body ? Buffer.concat([head, req.body]) : head;
}
