import type { ReactNode } from 'react';
import type { ExitCode } from './exit-codes.js';

/** How results are printed, broadly: for scripts (`--json`, `-o json|yaml`), ids only (`--quiet`), or for people. */
export type Format = 'human' | 'json' | 'quiet';

/** The `-o/--output` styles. */
export const OUTPUT_STYLES = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputStyle = (typeof OUTPUT_STYLES)[number];

/**
 * The width given to views under `-o wide`: nothing is cut unless a line passes it (a description may be 2048
 * characters). Not unbounded: ink lays out and fills the whole width, so its time grows with it.
 */
export const WIDE_COLUMNS = 4096;

/**
 * What a command returns: the same data in three forms. The entry point prints it.
 * @example return { data: user, ids: [user.id], view: <UserDetailView user={user} /> };
 */
export interface Output {
  /** Printed as JSON by `--json` (nothing when undefined). */
  data: unknown;
  /** Printed one per line by `--quiet`. */
  ids?: readonly (string | number)[];
  /**
   * Human output: an ink element (rendered to fit the terminal), plain text, or a function loading it.
   * Prefer the function (see `lazy`): ink takes half a second to load, which `--json` and `--quiet` need not pay.
   */
  view?: ReactNode | (() => Promise<ReactNode>);
  /**
   * A list printed page by page as it arrives (`--all`): a JSON array or YAML list written item by item, ids,
   * or one table per page. `data`, `ids` and `view` are then unused. If the source fails, what was printed stays
   * printed (a JSON array is closed) and the error is reported as usual.
   */
  pages?: PagedOutput;
  /** Non-zero when the command partly failed but still has a result to show (e.g. rejected records). */
  exitCode?: ExitCode;
}

/** A list that arrives in pages. */
export interface PagedOutput {
  source: AsyncIterable<readonly unknown[]>;
  /** The id of an item, for `--quiet`. */
  id(item: unknown): string | number;
  /** One page for people; `first` is true for the first page (headers), `width` as for views. */
  view(items: readonly unknown[], first: boolean, width: number): Promise<ReactNode>;
  /** Printed for people after the last page (legal notices); `count` is 0 when nothing came. */
  end?(count: number, width: number): Promise<ReactNode>;
}

/**
 * A view whose modules (and ink with them) are loaded only when human output is printed.
 * @example view: lazy(() => import('./views.js'), (v) => <v.UserTable users={users} width={ctx.columns} />)
 */
export function lazy<M>(load: () => Promise<M>, render: (module: M) => ReactNode): () => Promise<ReactNode> {
  return async () => render(await load());
}

/** Where output goes. */
export interface Sink {
  write(text: string): void;
}

/** How to print: the format, the style within it, the width, and the `--fields` selection. */
export interface PrintOptions {
  format: Format;
  style: OutputStyle;
  columns: number;
  fields?: readonly string[] | undefined;
}

/**
 * Renders an output in the chosen format.
 * @example await printOutput({ data: [1] }, { format: 'json', style: 'json', columns: 100 }, process.stdout)
 */
export async function printOutput(output: Output, options: PrintOptions, sink: Sink): Promise<void> {
  if (output.pages) return printPages(output.pages, options, sink);
  const { format, style, columns, fields } = options;
  if (format === 'json') {
    if (output.data !== undefined) sink.write(await serialise(select(output.data, fields), style));
    return;
  }
  if (format === 'quiet') {
    if (output.ids?.length) sink.write(`${output.ids.join('\n')}\n`);
    return;
  }
  if (fields?.length && output.data !== undefined && output.data !== null && typeof output.data === 'object') {
    const items = Array.isArray(output.data) ? output.data : [output.data];
    return write(await fieldTable(items, fields, columns, true), columns, sink);
  }
  const view = typeof output.view === 'function' ? await output.view() : output.view;
  await write(view, style === 'wide' ? wideColumns(output.data) : columns, sink);
}

/**
 * The width to render `-o wide` output in: enough for the longest line the data can make (the texts of one item
 * side by side, with room for gaps and labels), at most WIDE_COLUMNS. ink's time grows with the width it fills,
 * so rendering at WIDE_COLUMNS every time would cost half a second.
 * @example wideColumns([{ id: 'abc', name: 'A' }]) // 80 (never narrower than a terminal)
 */
export function wideColumns(data: unknown): number {
  const items = Array.isArray(data) ? data : [data];
  let widest = 0;
  for (const item of items) {
    let sum = 0;
    let count = 0;
    const walk = (value: unknown, depth: number): void => {
      if (value === null || value === undefined) return;
      if (typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          sum += depth > 0 ? key.length + 4 : 0;
          walk(inner, depth + 1);
        }
        return;
      }
      sum += String(value).length;
      count++;
    };
    walk(item, 0);
    widest = Math.max(widest, sum + 2 * count + 32);
  }
  return Math.min(WIDE_COLUMNS, Math.max(80, widest));
}

async function printPages(pages: PagedOutput, options: PrintOptions, sink: Sink): Promise<void> {
  const { format, style, columns, fields } = options;
  let count = 0;
  if (format === 'json' && style !== 'yaml') {
    // Byte for byte what JSON.stringify(all, null, 2) prints, written item by item.
    try {
      for await (const page of pages.source) {
        for (const item of page) {
          const text = JSON.stringify(select(item, fields), null, 2).replace(/\n/g, '\n  ');
          sink.write(`${count === 0 ? '[\n' : ',\n'}  ${text}`);
          count++;
        }
      }
    } finally {
      sink.write(count === 0 ? '[]\n' : '\n]\n');
    }
    return;
  }
  if (format === 'json') {
    try {
      for await (const page of pages.source) {
        if (page.length === 0) continue;
        sink.write(
          await serialise(
            page.map((item) => select(item, fields)),
            'yaml',
          ),
        );
        count += page.length;
      }
    } finally {
      if (count === 0) sink.write('[]\n');
    }
    return;
  }
  for await (const page of pages.source) {
    if (format === 'quiet') {
      if (page.length) sink.write(`${page.map((item) => pages.id(item)).join('\n')}\n`);
    } else if (fields?.length) {
      await write(await fieldTable(page, fields, columns, count === 0), columns, sink);
    } else {
      await write(await pages.view(page, count === 0, columns), style === 'wide' ? wideColumns(page) : columns, sink);
    }
    count += page.length;
  }
  if (format === 'human' && pages.end) await write(await pages.end(count, columns), columns, sink);
}

async function write(view: ReactNode, columns: number, sink: Sink): Promise<void> {
  if (view === undefined || view === null || view === false) return;
  if (typeof view === 'string') {
    sink.write(view.endsWith('\n') ? view : `${view}\n`);
    return;
  }
  // ink is loaded only for human output: --json and --quiet stay fast.
  const { renderToString } = await import('ink');
  const text = renderToString(view, { columns });
  if (text.trim() !== '') sink.write(`${text.replace(/[ \t]+$/gm, '').replace(/\s+$/, '')}\n`);
}

async function serialise(data: unknown, style: OutputStyle): Promise<string> {
  if (style !== 'yaml') return `${JSON.stringify(data, null, 2)}\n`;
  const { stringify } = await import('./yaml.js');
  return stringify(data, { lineWidth: 0 });
}

/** A table of the selected fields (headers are the paths as given). */
async function fieldTable(
  items: readonly unknown[],
  fields: readonly string[],
  columns: number,
  header: boolean,
): Promise<ReactNode> {
  const [{ tableElement }, { show }] = await Promise.all([import('../ui/table.js'), import('../ui/format.js')]);
  return tableElement({
    width: columns,
    header,
    columns: fields.map((field) => ({ header: field.toUpperCase(), keep: field === 'id' })),
    rows: items.map((item) => fields.map((field) => show(pick(item, field)))),
    empty: 'Nothing to show.',
  });
}

/**
 * Parses `--fields`: comma-separated dotted paths.
 * @example parseFields('id, name,entity.capital') // ['id', 'name', 'entity.capital']
 */
export function parseFields(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const fields = text
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '');
  return fields.length ? fields : undefined;
}

/**
 * Keeps only `fields` of an object, or of each object of an array; a dotted path becomes a key of its own
 * (`{"entity.capital": "Paris"}`), a missing field is `null`. Other values are returned as they are.
 * @example select([{ id: 'a', name: 'A', entity: { x: 1 } }], ['id', 'entity.x']) // [{ id: 'a', 'entity.x': 1 }]
 */
export function select(data: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields?.length) return data;
  if (Array.isArray(data)) return data.map((item) => select(item, fields));
  if (data === null || typeof data !== 'object') return data;
  return Object.fromEntries(fields.map((field) => [field, pick(data, field) ?? null]));
}

/**
 * The value at a dotted path (`entity.capital`; an exact key with dots wins).
 * @example pick({ entity: { capital: 'Paris' } }, 'entity.capital') // 'Paris'
 */
export function pick(value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, path)) return record[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  return pick(record[path.slice(0, dot)], path.slice(dot + 1));
}

/**
 * The width to lay human output out in: the terminal's, else `COLUMNS`, else 80.
 * @example terminalColumns(process.stdout, process.env)
 */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv >= 20 && fromEnv <= 1000) return fromEnv;
  return 80;
}
