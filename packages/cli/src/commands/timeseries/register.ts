import type { Command } from 'commander';
import { consumerFlags, examples, type Run } from '../../lib/commands.js';

/** `bbk timeseries get` (Consumer API). */
export function registerTimeseries(program: Command, run: Run): void {
  const timeseries = program
    .command('timeseries')
    .description('read timeseries (Consumer API)')
    .addHelpText('after', examples('bbk timeseries get country "$ID" population --start 2000-01-01 --end 2010-01-01'));
  consumerFlags(timeseries.command('get <type> <id> <tsid>').description('points of a timeseries, newest first'), false)
    .option('--start <date>', 'ISO-8601 start, inclusive')
    .option('--end <date>', 'ISO-8601 end, exclusive (needs --start)')
    .option('--duration <seconds>', 'instead of --end: seconds after --start')
    .option('--limit <n>', 'points per page, 1-500 (default 500)')
    .option('--all', 'follow the series back page by page (waits out rate limits, prints each page as it arrives)')
    .addHelpText('after', examples('bbk timeseries get country "$ID" population --start 2000-01-01 --json'))
    .action(run('consumer', async () => (await import('./index.js')).timeseriesGet));
}
