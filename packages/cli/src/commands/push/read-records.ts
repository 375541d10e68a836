import { extname } from 'node:path';
import type { RecordInput } from '@bbk/sdk';
import { UsageError } from '../../lib/exit-codes.js';
import { type InputIo, isPlainObject, readText } from '../../lib/read-input.js';
import { CellError, mapColumns, parseCsv, rowId, rowToRecord } from './csv.js';

export type InputFormat = 'json' | 'ndjson' | 'csv';

/** One item of the input file, ready to send or already rejected. */
export interface Candidate {
  /** 0-based position among the file's items. */
  index: number;
  /** Where it is in the file, for people: `record 3` or `line 4`. */
  location: string;
  /** The record as it will be sent (private keys dropped). */
  record: Record<string, unknown>;
  /** Why it cannot be sent; empty when it can. */
  problems: string[];
}

export interface ReadOptions {
  format?: InputFormat;
  /** CSV `--map TARGET=COLUMN[:TYPE]`. */
  maps?: readonly string[];
  delimiter?: string;
  /** Send keys starting with `_` instead of dropping them. */
  keepPrivate?: boolean;
}

export interface ReadResult {
  format: InputFormat;
  candidates: Candidate[];
  /** Private top-level keys (or CSV columns) that were dropped. */
  dropped: string[];
}

/**
 * Reads records from a JSON array, NDJSON (one object per line) or CSV file (`-` = stdin).
 * Top-level keys starting with `_` are connector-private (e.g. `_population` in the example data) and are dropped.
 * @example const { candidates } = readRecords(ctx.io, 'countries.json', {});
 */
export function readRecords(io: InputIo, path: string, options: ReadOptions): ReadResult {
  const format = options.format ?? formatOf(path);
  const text = readText(io, path, 'FILE');
  const dropped = new Set<string>();
  const keep = (raw: unknown): Record<string, unknown> => {
    if (!isPlainObject(raw)) return {};
    if (options.keepPrivate) return raw;
    const record: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key.startsWith('_')) dropped.add(key);
      else record[key] = value;
    }
    return record;
  };
  const candidates: Candidate[] = [];
  const add = (raw: unknown, location: string, problems: string[] = []) => {
    if (problems.length === 0 && !isPlainObject(raw)) problems.push('is not a JSON object');
    candidates.push({ index: candidates.length, location, record: keep(raw), problems });
  };

  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`FILE ${path} is not valid JSON: ${(error as Error).message}`, [
        'use --format ndjson for one record per line',
      ]);
    }
    const items = Array.isArray(parsed)
      ? parsed
      : isPlainObject(parsed) && Array.isArray(parsed.records)
        ? parsed.records
        : [parsed];
    items.forEach((item: unknown, i: number) => {
      add(item, `record ${i + 1}`);
    });
  } else if (format === 'ndjson') {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        add(JSON.parse(line), `line ${i + 1}`);
      } catch (error) {
        add({}, `line ${i + 1}`, [`not valid JSON: ${(error as Error).message}`]);
      }
    });
  } else {
    const delimiter = options.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : ',');
    const { rows, lines } = parseCsv(text, unescapeDelimiter(delimiter));
    const [header, ...body] = rows;
    if (!header) throw new UsageError(`FILE ${path} has no CSV header row`);
    const mappings = mapColumns(header, options.maps ?? [], options.keepPrivate);
    for (const name of header) if (name.startsWith('_') && !options.keepPrivate) dropped.add(name);
    body.forEach((row, i) => {
      const location = `line ${lines[i + 1] ?? '?'}`;
      try {
        add(rowToRecord(row, mappings), location);
      } catch (error) {
        if (!(error instanceof CellError)) throw error;
        // the rejection still names the row's id, when it has one
        const id = rowId(row, mappings);
        add(id === undefined ? {} : { id }, location, [error.message]);
      }
    });
  }
  return { format, candidates, dropped: [...dropped].sort() };
}

/** The records that can be sent, typed for the SDK. */
export function sendable(candidates: readonly Candidate[]): { candidate: Candidate; record: RecordInput }[] {
  return candidates
    .filter((c) => c.problems.length === 0)
    .map((c) => ({ candidate: c, record: c.record as unknown as RecordInput }));
}

function formatOf(path: string): InputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  return 'json';
}

function unescapeDelimiter(text: string): string {
  const value = text === '\\t' || text === 'tab' ? '\t' : text;
  if (value.length !== 1) throw new UsageError(`--delimiter must be one character, got "${text}"`);
  return value;
}
