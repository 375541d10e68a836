/**
 * The bundle file of `bbk export` / `bbk import` (docs/MIGRATE.md): gzip'd JSON lines.
 *
 * ```
 * {"format":"bbk-bundle","version":1,"created":"…","source":{"engine":"sqlite"},"counts":{…},"openSessions":0}
 * {"t":"sequences","name":"users","value":3}
 * {"t":"users","id":1,…}
 * …                                     one line per row, tables in DUMP_TABLES order
 * {"t":"end","rows":1234}
 * ```
 * The header names the format and its version and announces the rows per table; the end line closes the
 * bundle, so a file cut short is told from a whole one (gzip's own CRC catches a corrupted byte).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { DUMP_TABLES, type DumpCounts, type DumpItem, type DumpRow, type DumpStart } from '../dump.js';

export const BUNDLE_FORMAT = 'bbk-bundle';
/** Bumped when a line's meaning changes; an importer refuses versions it does not know. */
export const BUNDLE_VERSION = 1;

/** The first line of a bundle. */
export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  version: number;
  created: string;
  source: { engine: DumpStart['engine'] };
  counts: DumpCounts;
  openSessions: number;
}

/** Why a bundle could not be read. */
export type BundleErrorCode = 'NOT_A_BUNDLE' | 'VERSION' | 'CORRUPT';

/** A bundle refused: not one, of a version this build does not read, or damaged (cut short, bad bytes). */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(
    readonly code: BundleErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Lines gathered into one write to the gzip stream (fewer, larger chunks). */
const CHUNK_CHARS = 1 << 16;

/**
 * Writes a dump to `file` as a bundle (gzip'd JSON lines), streaming: rows never gather in memory.
 * `onRow` is called for each row written (progress). Returns the header written.
 */
export async function writeBundle(
  file: string,
  items: AsyncIterable<DumpItem>,
  onRow?: (row: DumpRow) => void,
): Promise<BundleHeader> {
  let header: BundleHeader | undefined;
  async function* lines(): AsyncGenerator<string> {
    let buffer = '';
    let rows = 0;
    for await (const item of items) {
      if (item.t === 'start') {
        header = {
          format: BUNDLE_FORMAT,
          version: BUNDLE_VERSION,
          created: new Date().toISOString(),
          source: { engine: item.engine },
          counts: item.counts,
          openSessions: item.openSessions,
        };
        buffer += `${JSON.stringify(header)}\n`;
        continue;
      }
      buffer += `${JSON.stringify(item)}\n`;
      rows++;
      onRow?.(item);
      if (buffer.length >= CHUNK_CHARS) {
        yield buffer;
        buffer = '';
      }
    }
    yield `${buffer}${JSON.stringify({ t: 'end', rows })}\n`;
  }
  await pipeline(lines(), createGzip({ level: 6 }), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  if (!header) throw new Error('the store gave no start item');
  return header;
}

/** A gzip stream's error as a `BundleError` (not gzip at all, or damaged or cut); file system errors as they are. */
function gzipError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return err;
  if (code === 'Z_DATA_ERROR' && /header/i.test((err as Error).message))
    return new BundleError('NOT_A_BUNDLE', 'the bundle is not gzip data', { cause: err });
  return new BundleError('CORRUPT', 'the bundle is damaged', { cause: err });
}

/**
 * Reads the whole gzip stream once, for its checksum and length, which gzip keeps at the end: a damaged byte is
 * found there before any row is loaded (a flipped byte inside a row's text would otherwise reach the loader first
 * and fail there as something else, or not at all). Unpacking is fast beside loading (about 15 MB for 100,000
 * records).
 */
async function checkGzip(file: string): Promise<void> {
  try {
    await pipeline(createReadStream(file), createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
      for await (const _ of chunks);
    });
  } catch (err) {
    throw gzipError(err);
  }
}

/** The lines of a gzip'd text file, one at a time; a damaged or cut gzip stream is a `BundleError`. */
async function* gunzipLines(file: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      yield* parts;
    }
  } catch (err) {
    throw gzipError(err);
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

/** Checks a bundle's first line: format and version. */
export function parseHeader(line: string | undefined): BundleHeader {
  let header: Partial<BundleHeader> | undefined;
  try {
    header = line === undefined ? undefined : (JSON.parse(line) as Partial<BundleHeader>);
  } catch {
    header = undefined;
  }
  if (!header || header.format !== BUNDLE_FORMAT)
    throw new BundleError(
      'NOT_A_BUNDLE',
      `not a bbk bundle (the first line does not name the format ${BUNDLE_FORMAT})`,
    );
  if (header.version !== BUNDLE_VERSION)
    throw new BundleError(
      'VERSION',
      `bundle format version ${JSON.stringify(header.version)} is not one this bbk reads (it reads version ${BUNDLE_VERSION})`,
    );
  const counts = header.counts as Partial<DumpCounts> | undefined;
  if (!counts || DUMP_TABLES.some((t) => typeof counts[t] !== 'number'))
    throw new BundleError('CORRUPT', 'the bundle header has no row counts');
  return header as BundleHeader;
}

/** Reads only the header of a bundle (what `bbk import` announces before loading). */
export async function readBundleHeader(file: string): Promise<BundleHeader> {
  const lines = gunzipLines(file);
  try {
    return parseHeader((await lines.next()).value as string | undefined);
  } finally {
    await lines.return(undefined);
  }
}

/**
 * A bundle's items, streamed: the start item from the header, then each row. A damaged or cut gzip stream is a
 * `BundleError` before the first item (`checkGzip`); a line that is not JSON, a missing end line or lines after
 * it are `BundleError`s, thrown when reached: the loading store's transaction then rolls back.
 */
export async function* readBundle(file: string): AsyncGenerator<DumpItem> {
  await checkGzip(file);
  const lines = gunzipLines(file);
  const header = parseHeader((await lines.next()).value as string | undefined);
  yield { t: 'start', engine: header.source?.engine ?? 'sqlite', counts: header.counts, openSessions: 0 };
  let rows = 0;
  let ended = false;
  let number = 1;
  for await (const line of lines) {
    number++;
    if (line === '') continue;
    if (ended) throw new BundleError('CORRUPT', `line ${number}: data after the end line`);
    let item: DumpRow | { t: 'end'; rows: number };
    try {
      item = JSON.parse(line) as typeof item;
    } catch {
      throw new BundleError('CORRUPT', `line ${number} is not JSON: the bundle is damaged`);
    }
    if (item.t === 'end') {
      if (item.rows !== rows) throw new BundleError('CORRUPT', `the end line counts ${item.rows} rows, read ${rows}`);
      ended = true;
      continue;
    }
    rows++;
    yield item;
  }
  if (!ended) throw new BundleError('CORRUPT', `the bundle is cut short after ${rows} rows (no end line)`);
}
