import type { CommandContext } from './context.js';
import { terminalStderr } from './io.js';

/** What a progress bar shows at one moment. */
export interface ProgressLine {
  label: string;
  done: number;
  total: number;
}

/** A progress display: `update` with each report, `stop` before printing anything else. */
export interface LiveProgress<P> {
  update(progress: P): void;
  stop(): Promise<void>;
}

/**
 * A live progress bar on stderr when it is a terminal, output is for people and `shown` (false: nothing to count);
 * otherwise `update` does nothing (and ink is not loaded). `line` turns a progress report into what the bar shows.
 * @example const progress = await liveProgress<number>(ctx, 0, (done) => ({ label: 'Pushing', done, total }));
 */
export async function liveProgress<P>(
  ctx: CommandContext,
  initial: P,
  line: (progress: P) => ProgressLine,
  shown = true,
): Promise<LiveProgress<P>> {
  const tty = terminalStderr(ctx.io);
  if (ctx.format !== 'human' || !tty || !shown) return { update: () => {}, stop: async () => {} };
  const [{ render }, { ProgressBar }] = await Promise.all([import('ink'), import('../ui/progress-bar.js')]);
  const width = tty.columns;
  const view = (progress: P) => <ProgressBar {...line(progress)} width={width} />;
  const instance = render(view(initial), { stdout: tty, patchConsole: false, exitOnCtrlC: false });
  return {
    update: (progress) => instance.rerender(view(progress)),
    stop: async () => {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
