import { pino } from 'pino';

/** pino's asynchronous file writer (sonic-boom). */
type SonicBoom = ReturnType<typeof pino.destination>;

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
    });
    this.#dest = dest;
    this.#chunk = options.chunk ?? 64 * 1024;
    this.#bytes = Buffer.allocUnsafe(this.#chunk);
    dest.on('write', (n: number) => this.#wrote(n));
    this.#timer = setInterval(() => this.#handOn(), options.flushMs ?? 1000);
    this.#timer.unref();
    if (open.size === 0) process.on('exit', flushAllSync);
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
        this.#dest.flush((err) => {
          if (err) this.flushSync();
          resolve();
        });
      } catch {
        // not open yet, or already closed: write what can be written synchronously
        this.flushSync();
        resolve();
      }
    });
    return done ? flushed.then(() => done()) : flushed;
  }

  /** Writes every waiting line now, blocking (process exit). */
  flushSync(): void {
    this.#handOn();
    try {
      this.#dest.flushSync();
    } catch {
      // the file never opened, or is closed: nothing more can be done at exit
    }
  }

  /** Flushes, stops the timer and, when `end`, closes the destination (a file; standard error stays open). */
  async close(end: boolean): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
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
  }

  /** Whether sonic-boom took the bytes. */
  #hand(bytes: Buffer): boolean {
    try {
      // sonic-boom's buffer mode takes Buffers (its types say string)
      this.#dest.write(bytes as unknown as string);
      this.#handed += bytes.length;
      return true;
    } catch {
      // destroyed destination (after close): the lines are dropped, as pino would
      return false;
    }
  }

  /**
   * sonic-boom wrote `n` more bytes, in the order they were handed: the chunks whose bytes are all written
   * are free. (Its synchronous flush at exit reports nothing: the count then stays behind, so a chunk can
   * only be taken again late, never early.)
   */
  #wrote(n: number): void {
    this.#written += n;
    const flight = this.#inFlight;
    for (let first = flight[0]; first !== undefined && first.end <= this.#written; first = flight[0]) {
      flight.shift();
      // two spares cover a chunk being written while the next fills; more would only hold memory
      if (this.#spare.length < 2) this.#spare.push(first.chunk);
    }
  }
}
