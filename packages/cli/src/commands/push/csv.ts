import { UsageError } from '../../lib/exit-codes.js';

/** A parsed CSV: rows of cells and the line each row starts on (1-based). */
export interface Csv {
  rows: string[][];
  lines: number[];
}

/**
 * Parses RFC 4180 CSV: quoted fields with `""` escapes and embedded newlines, CRLF or LF, a leading BOM.
 * Blank lines are skipped.
 * @example parseCsv('id,name\nGB,"United Kingdom"\n').rows // [['id', 'name'], ['GB', 'United Kingdom']]
 */
export function parseCsv(text: string, delimiter = ','): Csv {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let touched = false;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    row.push(cell);
    if (touched || row.length > 1 || cell !== '') {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
    cell = '';
    touched = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      touched = true;
    } else if (ch === delimiter) {
      row.push(cell);
      cell = '';
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new UsageError(`CSV: a quoted field starting on line ${rowLine} is never closed`);
  if (cell !== '' || row.length > 0 || touched) endRow();
  return { rows, lines };
}

/** How a cell is turned into a JSON value. */
export type CellType = 'auto' | 'string' | 'number' | 'integer' | 'boolean' | 'json';

const CELL_TYPES: readonly CellType[] = ['auto', 'string', 'number', 'integer', 'boolean', 'json'];

/** One mapped column: where its value goes in the record. */
export interface ColumnMapping {
  column: number;
  header: string;
  /** `id`, `name`, `entity.a.b` or `instance.c`. */
  target: string[];
  type: CellType;
}

/**
 * Maps header columns to record paths. Defaults: `id`, `name`, `entity.*` and `instance.*` columns go where
 * they say, columns starting with `_` are connector-private and dropped, any other column goes to `entity.<column>`.
 * `--map TARGET=COLUMN[:TYPE]` overrides the default of a column.
 * @example mapColumns(['code', 'country'], ['id=code', 'name=country']).map((m) => m.target.join('.')) // ['id', 'name']
 */
export function mapColumns(header: readonly string[], maps: readonly string[], keepPrivate = false): ColumnMapping[] {
  // A column may feed several targets (e.g. `id=code` and `entity.code=code`).
  const explicit = new Map<number, { target: string[]; type: CellType }[]>();
  for (const spec of maps) {
    const eq = spec.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--map "${spec}": expected TARGET=COLUMN[:TYPE], e.g. entity.population=pop:integer`);
    const target = spec.slice(0, eq).trim();
    let column = spec.slice(eq + 1).trim();
    let type: CellType = 'auto';
    const colon = column.lastIndexOf(':');
    if (colon > 0 && CELL_TYPES.includes(column.slice(colon + 1) as CellType)) {
      type = column.slice(colon + 1) as CellType;
      column = column.slice(0, colon);
    }
    const index = header.indexOf(column);
    if (index < 0)
      throw new UsageError(`--map "${spec}": no column "${column}" in the CSV header (${header.join(', ')})`);
    explicit.set(index, [...(explicit.get(index) ?? []), { target: checkTarget(target, spec), type }]);
  }
  const mappings: ColumnMapping[] = [];
  header.forEach((name, column) => {
    const given = explicit.get(column);
    if (given) {
      for (const one of given) mappings.push({ column, header: name, ...one });
      return;
    }
    if (name === '' || (name.startsWith('_') && !keepPrivate)) return;
    const target =
      name === 'id' || name === 'name' || /^(entity|instance)\../.test(name)
        ? name.split('.')
        : ['entity', ...name.split('.')];
    mappings.push({ column, header: name, target, type: 'auto' });
  });
  return mappings;
}

/**
 * Builds one record object from a CSV row. Empty cells are left out.
 * @example rowToRecord(['GB', '67'], mappings) // { id: 'GB', entity: { population: 67 } }
 */
export function rowToRecord(row: readonly string[], mappings: readonly ColumnMapping[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const mapping of mappings) {
    const cell = row[mapping.column] ?? '';
    if (cell === '') continue;
    const top = mapping.target[0];
    const type = top === 'id' || top === 'name' ? 'string' : mapping.type;
    setPath(record, mapping.target, convert(cell, type, mapping.header));
  }
  return record;
}

/** The record id a row maps to (its `id` column's cell), for a row that cannot become a record. */
export function rowId(row: readonly string[], mappings: readonly ColumnMapping[]): string | undefined {
  const mapping = mappings.find((m) => m.target.length === 1 && m.target[0] === 'id');
  const cell = mapping === undefined ? '' : (row[mapping.column] ?? '');
  return cell === '' ? undefined : cell;
}

function checkTarget(target: string, spec: string): string[] {
  const path = target.split('.');
  const ok =
    target === 'id' ||
    target === 'name' ||
    (/^(entity|instance)$/.test(path[0] ?? '') && path.length > 1 && path.every((p) => p !== ''));
  if (!ok) throw new UsageError(`--map "${spec}": the target must be id, name, entity.<field> or instance.<field>`);
  return path;
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function convert(cell: string, type: CellType, header: string): unknown {
  switch (type) {
    case 'string':
      return cell;
    case 'auto':
      if (cell === 'true' || cell === 'false') return cell === 'true';
      return NUMBER.test(cell) ? Number(cell) : cell;
    case 'number':
    case 'integer': {
      const value = Number(cell.trim());
      // A bad cell is kept as text: the entity schema (or the server) then rejects this one record.
      if (!Number.isFinite(value) || (type === 'integer' && !Number.isInteger(value))) return cell;
      return value;
    }
    case 'boolean':
      return /^(true|yes|1)$/i.test(cell.trim()) ? true : /^(false|no|0)$/i.test(cell.trim()) ? false : cell;
    case 'json':
      try {
        return JSON.parse(cell);
      } catch {
        throw new CellError(`column "${header}": not valid JSON: ${cell.slice(0, 40)}`);
      }
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** A cell that cannot be read; rejects its record. */
export class CellError extends Error {}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}
