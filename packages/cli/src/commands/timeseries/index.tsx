import { MAX_TIMESERIES_PAGE, type TimeseriesParams } from '@bbk/sdk';
import { type ConsumerFlags, collect, consumerFor } from '../../lib/consumer-options.js';
import type { CommandContext } from '../../lib/context.js';
import { UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { integer } from '../../lib/read-input.js';
import { show } from '../../ui/format.js';

export interface TimeseriesGetOptions extends Omit<ConsumerFlags, 'offset'> {
  type: string;
  id: string;
  tsid: string;
  start?: string;
  end?: string;
  duration?: string;
}

/**
 * `bbk timeseries get TYPE ID TSID [--start --end | --duration] [--limit] [--all]`: points newest first.
 * `--all` follows the series back page by page (moving `end` to the oldest point seen).
 */
export async function timeseriesGet(options: TimeseriesGetOptions, ctx: CommandContext): Promise<Output> {
  const limit = integer(options.limit, '--limit', 1, MAX_TIMESERIES_PAGE);
  const duration = integer(options.duration, '--duration', 1);
  if (options.end !== undefined && duration !== undefined) throw new UsageError('give --end or --duration, not both');
  if ((options.end !== undefined || duration !== undefined) && options.start === undefined) {
    throw new UsageError('--end and --duration need --start');
  }
  if (options.all && duration !== undefined)
    throw new UsageError('--all pages with --start/--end; use --end instead of --duration');
  const params: TimeseriesParams = {
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.end !== undefined ? { end: options.end } : {}),
    ...(duration !== undefined ? { duration } : {}),
  };
  const consumer = consumerFor(options, ctx);
  const points = options.all
    ? await collect(
        consumer.timeseriesAll(options.type, options.id, options.tsid, {
          ...params,
          ...(limit ? { pageSize: limit } : {}),
        }),
      )
    : await consumer.timeseries(options.type, options.id, options.tsid, { ...params, ...(limit ? { limit } : {}) });
  return {
    data: points,
    ids: points.map((p) => p.from),
    view: lazy(
      () => import('../../ui/table.js'),
      ({ Table }) => (
        <Table
          width={ctx.columns}
          empty="No points in this range."
          columns={[{ header: 'FROM' }, { header: 'TO' }, { header: 'VALUE', align: 'right' }]}
          rows={points.map((p) => [p.from, p.to ?? '', show(p.value)])}
        />
      ),
    ),
  };
}
