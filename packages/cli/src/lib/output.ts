import type { ReactNode } from 'react';
import type { ExitCode } from './exit-codes.js';

/** How results are printed: `--json`, `--quiet`, or for people. */
export type Format = 'human' | 'json' | 'quiet';

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
  /** Non-zero when the command partly failed but still has a result to show (e.g. rejected records). */
  exitCode?: ExitCode;
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

/**
 * Renders an output in the chosen format.
 * @example await printOutput({ data: [1] }, 'json', 100, process.stdout)
 */
export async function printOutput(output: Output, format: Format, columns: number, sink: Sink): Promise<void> {
  if (format === 'json') {
    if (output.data !== undefined) sink.write(`${JSON.stringify(output.data, null, 2)}\n`);
    return;
  }
  if (format === 'quiet') {
    if (output.ids?.length) sink.write(`${output.ids.join('\n')}\n`);
    return;
  }
  const view = typeof output.view === 'function' ? await output.view() : output.view;
  if (view === undefined || view === null || view === false) return;
  if (typeof view === 'string') {
    sink.write(view.endsWith('\n') ? view : `${view}\n`);
    return;
  }
  // ink is loaded only for human output: --json and --quiet stay fast.
  const { renderToString } = await import('ink');
  const text = renderToString(view, { columns });
  if (text.trim() !== '') sink.write(`${text.replace(/\s+$/, '')}\n`);
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
