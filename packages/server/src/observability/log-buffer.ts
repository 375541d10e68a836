import type { pino } from 'pino';

/** pino's asynchronous file writer (sonic-boom). */
type SonicBoom = ReturnType<typeof pino.destination>;

/** Buffers still holding lines, written synchronously if the process exits (a crash included) before they close. */
const open = new Set<LogBuffer>();

function flushAllSync(): void {
  for (const b of open) b.flushSync();
}

/** How a {@link LogBuffer} hands its lines on. */
export interface LogBufferOptions {
  /** Lines are handed on once this many characters are waiting. Default 64 KiB. */
  chunk?: number;
  /** …and at least this often (ms) when fewer are, so a quiet server's lines still reach the file. Default 1000. */
  flushMs?: number;
}

/**
 * The log destination pino and the request line write to (docs/OPERATIONS.md): a line costs one string
 * append; the lines go to the file (or standard error) in large asynchronous writes, through sonic-boom,
 * which handles partial writes and a busy pipe. Waiting lines are handed on every `flushMs`, on `flush`
 * (server close), and synchronously when the process exits, also after an uncaught exception; only a
 * process killed outright (SIGKILL, out of memory) loses up to `flushMs` of them.
 * @example const out = new LogBuffer(pino.destination({ dest: 2, sync: false })); pino({}, out);
 */
export class LogBuffer {
  readonly #dest: SonicBoom;
  readonly #chunk: number;
  readonly #timer: NodeJS.Timeout;
  #waiting = '';

  constructor(dest: SonicBoom, options: LogBufferOptions = {}) {
    this.#dest = dest;
    this.#chunk = options.chunk ?? 64 * 1024;
    this.#timer = setInterval(() => this.#handOn(), options.flushMs ?? 1000);
    this.#timer.unref();
    if (open.size === 0) process.on('exit', flushAllSync);
    open.add(this);
  }

  /** Takes one or more whole lines (each ending in a newline). */
  write(text: string): boolean {
    this.#waiting += text;
    if (this.#waiting.length >= this.#chunk) this.#handOn();
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

  #handOn(): void {
    if (this.#waiting === '') return;
    const text = this.#waiting;
    this.#waiting = '';
    try {
      this.#dest.write(text);
    } catch {
      // destroyed destination (after close): the lines are dropped, as pino would
    }
  }
}
