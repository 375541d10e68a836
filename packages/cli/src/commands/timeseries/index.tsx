import { MAX_TIMESERIES_PAGE, type TimeseriesParams, type TimeseriesPoint, WebhookFailedError } from '@bbk/sdk';
import { type ConsumerFlags, consumerFor, retryFor } from '../../lib/consumer-options.js';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import type { Output } from '../../lib/output.js';
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
  const { type, id, tsid } = options;
  if (options.all) {
    const pages = consumer.timeseriesAllPages(type, id, tsid, {
      ...params,
      ...(limit ? { pageSize: limit } : {}),
      retry: retryFor(ctx),
    });
    return {
      data: undefined,
      pages: {
        source: (async function* () {
          try {
            yield* pages;
          } catch (error) {
            throw error instanceof WebhookFailedError ? webhookFailed(options) : error;
          }
        })(),
        id: (point) => (point as TimeseriesPoint).from,
        view: async (points, first, width) => pointsTable(points as TimeseriesPoint[], width, first),
        end: async (count, width) => (count === 0 ? pointsTable([], width, true) : null),
      },
    };
  }
  const { points, webhook } = await consumer.timeseriesPage(type, id, tsid, {
    ...params,
    ...(limit ? { limit } : {}),
  });
  if (webhook === 'failed') throw webhookFailed(options);
  return {
    data: points,
    ids: points.map((p) => p.from),
    view: () => pointsTable(points, ctx.columns, true),
  };
}

/**
 * The webhook did not answer (`x-bbk-webhook: failed`): the server's `[]` is not an empty series. Exit 1, like
 * any failure upstream of the answer.
 */
function webhookFailed(options: { type: string; id: string; tsid: string }): CliError {
  return new CliError(
    `the connector's webhook failed to answer for timeseries "${options.tsid}" of ${options.type} ${options.id}; no points could be read (this is not an empty series)`,
    EXIT.FAILURE,
    [`its figures: bbk connector health ${options.type} <connector>`],
  );
}

async function pointsTable(points: readonly TimeseriesPoint[], width: number, header: boolean) {
  const { Table } = await import('../../ui/table.js');
  return (
    <Table
      width={width}
      header={header}
      empty="No points in this range."
      columns={[{ header: 'FROM' }, { header: 'TO' }, { header: 'VALUE', align: 'right' }]}
      rows={points.map((p) => [p.from, p.to ?? '', show(p.value)])}
    />
  );
}
