import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';

/** pino's asynchronous file writer (sonic-boom). */
type SonicBoom = ReturnType<typeof pino.destination>;

/** What `flushSync` reads of sonic-boom's queue (4.x, buffer mode): its own `flushSync` retries a failing write for ever. */
interface SonicBoomQueue {
  fd: number;
  destroyed: boolean;
  _writing: boolean;
  _writingBuf: Buffer;
  _bufs: Buffer[][];
  _lens: number[];
  _len: number;
}

/** The most bytes waiting for the file; beyond it (a file that cannot be written, a stalled disk) lines are dropped. */
const MAX_WAITING = 16 * 1024 * 1024;

/** Tries, 10 ms apart, of a synchronous write the destination answers `EAGAIN` (a full pipe). */
const BUSY_TRIES = 100;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Checks that the log file can be opened for appending (its directory made when missing), so that a bad
 * `--log-file` (a directory, a path under a file) stops start-up with a clear message instead of failing later.
 * @throws the file system's error
 */
export function checkLogFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  closeSync(openSync(file, 'a'));
}

/** Buffers still holding lines, written synchronously if the process exits (a crash included) before they close. */
const open = new Set<LogBuffer>();

function flushAllSync(): void {
  for (const b of open) b.flushSync();
}

/** How a {@link LogBuffer} hands its lines on. */
export interface LogBufferOptions {
  /** Create the file's directory when missing. Default false. */
  mkdir?: boolean;
  /** The size of a chunk of lines, in bytes: lines are handed on when the next may not fit. Default 64 KiB. */
  chunk?: number;
  /** …and at least this often (ms) when fewer are, so a quiet server's lines still reach the file. Default 1000. */
  flushMs?: number;
}

/**
 * The log destination pino and the request line write to (docs/OPERATIONS.md): a line is encoded as UTF-8
 * into a byte chunk at once, while its text is fresh in the CPU's caches; full chunks go to the file (or
 * standard error) in large asynchronous writes, through sonic-boom in its buffer mode, which handles partial
 * writes and a busy pipe. A chunk is used again once sonic-boom reports its bytes written, so a busy server
 * does not allocate (and the garbage collector does not track) 64 KiB of memory outside the heap for every
 * 200 requests or so. (Lines kept as one long string instead were walked three times when handed on, by
 * sonic-boom's byte count, its write and its copy after the write, cold by then; both cost about 1 µs a
 * request, bench/README.md#observability-overhead.) Waiting lines are handed on every `flushMs`, on `flush` (server
 * close), and synchronously when the process exits, also after an uncaught exception; only a process
 * killed outright (SIGKILL, out of memory) loses up to `flushMs` of them.
 * @example const out = new LogBuffer('/var/log/bbk.log', { mkdir: true }); pino({}, out);
 */
export class LogBuffer {
  readonly #dest: SonicBoom;
  readonly #chunk: number;
  readonly #timer: NodeJS.Timeout;
  /** The chunk being filled, and how many of its bytes hold lines. */
  #bytes: Buffer;
  #used = 0;
  /** Bytes handed to sonic-boom, and bytes it reported written ('write' events), since the start. */
  #handed = 0;
  #written = 0;
  /** Chunks handed on and not yet written, in order, with the count of bytes handed once each is. */
  readonly #inFlight: { chunk: Buffer; end: number }[] = [];
  /** Written chunks to fill again. */
  readonly #spare: Buffer[] = [];
  /** The file's name, for the warnings. */
  readonly #name: string;
  /** Since the last write failed, until one succeeds. */
  #failing = false;
  /** Bytes of lines dropped (not written) since the last warning. */
  #dropped = 0;
  /** Set by the `drop` event during a `write`: sonic-boom did not keep the bytes. */
  #justDropped = false;

  /** `to`: a file (appended) or a file descriptor (2: standard error). */
  constructor(to: string | number, options: LogBufferOptions = {}) {
    const dest = pino.destination({
      dest: to,
      sync: false,
      mkdir: options.mkdir ?? false,
      append: true,
      // chunks of bytes, each written at once, merged up to 1 MiB while one is being written (minLength 1,
      // not 0: with 0, sonic-boom's flush(cb) would not wait for the write in progress)
      contentMode: 'buffer',
      minLength: 1,
      maxWrite: 1024 * 1024,
      // sonic-boom keeps what it could not write and tries again with the next write: bounded, the rest is dropped
      maxLength: MAX_WAITING,
    });
    this.#dest = dest;
    this.#name = typeof to === 'number' ? 'standard error' : to;
    // a write that fails (a full disk, EIO): said once on standard error, never thrown at the server
    dest.on('error', (err: NodeJS.ErrnoException) => this.#failed(err));
    dest.on('drop', (data: Buffer) => {
      this.#justDropped = true;
      this.#dropped += data.length;
    });
    this.#chunk = options.chunk ?? 64 * 1024;
    this.#bytes = Buffer.allocUnsafe(this.#chunk);
    dest.on('write', (n: number) => this.#wrote(n));
    this.#timer = setInterval(() => this.#handOn(), options.flushMs ?? 1000);
    this.#timer.unref();
    // ahead of pino's exit hook for the destination, which would retry a failing write for ever
    if (open.size === 0) process.prependListener('exit', flushAllSync);
    open.add(this);
  }

  /**
   * For a writer that encodes its lines itself (`RequestLog`): the chunk to write into from `filled` on, with
   * room for `most` more bytes (a full chunk is handed on first); undefined when `most` is more than a chunk
   * holds (write the line as text instead). What is written counts once `filledTo` says where it ends.
   */
  room(most: number): Buffer | undefined {
    if (this.#used + most > this.#bytes.length) {
      this.#handOn();
      if (most > this.#bytes.length) return undefined;
    }
    return this.#bytes;
  }

  /** Where the chunk `room` returned is filled up to. */
  get filled(): number {
    return this.#used;
  }

  /** The chunk `room` returned holds whole lines up to `end` now. */
  filledTo(end: number): void {
    this.#used = end;
  }

  /** Takes one or more whole lines (each ending in a newline). */
  write(text: string): boolean {
    // a UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4)
    const bytes = this.room(text.length * 3);
    if (bytes === undefined)
      this.#hand(Buffer.from(text, 'utf8')); // a line longer than a chunk goes alone
    else this.#used += bytes.write(text, this.#used, 'utf8');
    return true;
  }

  /**
   * Writes every waiting line; resolves (and calls `done`, as pino's `logger.flush(cb)` expects) once the
   * file has them. Errors are swallowed: logging never fails a request.
   */
  flush(done?: (err?: Error) => void): Promise<void> {
    this.#handOn();
    const flushed = new Promise<void>((resolve) => {
      try {
        // an error is the file's (already said): what is still waiting is dropped, not written synchronously
        this.#dest.flush(() => resolve());
      } catch {
        // not open yet, or already closed: write what can be written synchronously
        this.flushSync();
        resolve();
      }
    });
    return done ? flushed.then(() => done()) : flushed;
  }

  /**
   * Writes every waiting line now, blocking (process exit, a crash included), each write tried once (a full pipe a
   * while longer): a file that cannot be written must not keep the process from exiting. sonic-boom's own
   * `flushSync` would retry a failing write (a full disk, EIO) for ever.
   */
  flushSync(): void {
    this.#handOn();
    const d = this.#dest as unknown as SonicBoomQueue;
    if (d.destroyed || !(d.fd >= 0) || !Array.isArray(d._bufs)) return;
    const waiting: Buffer[] = [];
    // a write in progress is the operating system's now; one that failed waits in `_writingBuf`
    if (!d._writing && d._writingBuf.length > 0) waiting.push(d._writingBuf);
    for (const group of d._bufs) waiting.push(...group);
    d._bufs = [];
    d._lens = [];
    d._len = 0;
    if (!d._writing) d._writingBuf = Buffer.alloc(0);
    // taken out of sonic-boom's queue either way, so that pino's own exit hook (sonic-boom's `flushSync`) finds
    // nothing to retry; while the file fails, they are dropped
    if (this.#failing) return;
    for (let bytes of waiting) {
      for (let tries = 0; bytes.length > 0; ) {
        try {
          bytes = bytes.subarray(writeSync(d.fd, bytes));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if ((code === 'EAGAIN' || code === 'EBUSY') && ++tries < BUSY_TRIES) Atomics.wait(pause, 0, 0, 10);
          else return;
        }
      }
    }
  }

  /** Flushes, stops the timer and, when `end`, closes the destination (a file; standard error stays open). */
  async close(end: boolean): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
    // what a failing file still holds is dropped, so that closing it does not wait for it
    if (this.#failing) this.flushSync();
    open.delete(this);
    if (open.size === 0) process.off('exit', flushAllSync);
    if (end) this.#dest.end();
  }

  /**
   * Hands the waiting lines on (sonic-boom keeps the chunk until it is written) and takes a spare chunk,
   * or a new one when every chunk is still being written.
   */
  #handOn(): void {
    if (this.#used === 0) return;
    const chunk = this.#bytes;
    const lines = chunk.subarray(0, this.#used);
    this.#bytes = this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunk);
    this.#used = 0;
    if (this.#hand(lines)) this.#inFlight.push({ chunk, end: this.#handed });
    // dropped: sonic-boom kept no reference, so the chunk is free at once
    else if (this.#spare.length < 2) this.#spare.push(chunk);
  }

  /** Whether sonic-boom took the bytes (it drops them when too many wait, or after close). */
  #hand(bytes: Buffer): boolean {
    try {
      this.#justDropped = false;
      // sonic-boom's buffer mode takes Buffers (its types say string)
      this.#dest.write(bytes as unknown as string);
      if (this.#justDropped) return false;
      this.#handed += bytes.length;
      return true;
    } catch {
      // destroyed destination (after close): the lines are dropped, as pino would
      return false;
    }
  }

  /** A write failed: said on standard error once until writes succeed again; sonic-boom retries with the next. */
  #failed(err: NodeJS.ErrnoException): void {
    if (this.#failing) return;
    this.#failing = true;
    process.stderr.write(
      `bbk: cannot write the log to ${this.#name} (${err.code ?? err.message}): lines wait (up to ${MAX_WAITING / 1024 / 1024} MiB, then are dropped) until it can\n`,
    );
  }

  /**
   * sonic-boom wrote `n` more bytes, in the order they were handed: the chunks whose bytes are all written
   * are free. (Its synchronous flush at exit reports nothing: the count then stays behind, so a chunk can
   * only be taken again late, never early.)
   */
  #wrote(n: number): void {
    this.#written += n;
    if (this.#failing) {
      this.#failing = false;
      const lost = this.#dropped ? `; ${this.#dropped} bytes of lines were dropped meanwhile` : '';
      this.#dropped = 0;
      process.stderr.write(`bbk: the log is written to ${this.#name} again${lost}\n`);
    }
    const flight = this.#inFlight;
    for (let first = flight[0]; first !== undefined && first.end <= this.#written; first = flight[0]) {
      flight.shift();
      // two spares cover a chunk being written while the next fills; more would only hold memory
      if (this.#spare.length < 2) this.#spare.push(first.chunk);
    }
  }
}
