import { createWebhook, type EntityExtras, type PointInput, type Webhook } from '@bbk/connector-kit';
import { ENTITY_TYPE, type StationRecord } from './entity-type.js';
import { readRecords } from './source.js';

/** Where the webhook listens, and the connector's `webhook_secret` to verify bbk's calls with. */
export interface StartWebhookOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  secret?: string;
}

/**
 * Live data for a record's detail, merged by bbk into `entity` and `instance` (replace with a call to
 * your live system: current status, latest reading…).
 */
export function liveExtras(record: StationRecord, now: Date): EntityExtras {
  return { instance: { status: record.entity.capacity > 0 ? 'open' : 'closed', checked_at: now.toISOString() } };
}

/**
 * The `footfall` timeseries: 30 daily figures ending 2024-06-30, derived from the capacity (replace with
 * a query on your timeseries store; the kit orders newest first, applies `start`/`end` and `limit`).
 */
export function footfall(record: StationRecord): PointInput<number>[] {
  const seed = [...record.id].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  return Array.from({ length: 30 }, (_, day) => ({
    from: new Date(Date.UTC(2024, 5, day + 1)),
    value: Math.round(record.entity.capacity * 100 * (1 + 0.5 * Math.sin(seed + day))),
  }));
}

/**
 * Starts the webhook bbk calls for this connector's records: `GET /entity/{type}/{id}` and
 * `GET /timeseries/{type}/{id}/footfall`. Unknown ids get 404.
 * @example const webhook = await startWebhook({ port: 8080, secret: process.env.BBK_WEBHOOK_SECRET });
 */
export async function startWebhook(options: StartWebhookOptions = {}): Promise<Webhook> {
  const byId = new Map<string, StationRecord>();
  for await (const record of readRecords()) byId.set(record.id, record);
  const find = (type: string, id: string) => (type === ENTITY_TYPE ? byId.get(id) : undefined);
  const webhook = createWebhook(
    {
      entity: (type, id) => {
        const record = find(type, id);
        return record && liveExtras(record, new Date());
      },
      timeseries: (type, id, tsid) => {
        const record = find(type, id);
        return record && tsid === 'footfall' ? footfall(record) : undefined;
      },
    },
    options.secret ? { secret: options.secret } : {},
  );
  await webhook.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return webhook;
}
