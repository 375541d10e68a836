import { type Announce, BbkApiError } from '@bbk/sdk';
import { APIS, type Api } from '../../lib/config-file.js';
import { collect, consumerFor } from '../../lib/consumer-options.js';
import type { CommandContext } from '../../lib/context.js';
import { EXIT } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { cliVersion } from '../../lib/version.js';

/** One API as `bbk status` saw it. */
export interface ApiStatus {
  url: string;
  /** It answered over HTTP (whatever the status). */
  up: boolean;
  /** `ok`, `unauthorized` (401/403: up, but the token does not open it), `unreachable`, or `error`. */
  state: 'ok' | 'unauthorized' | 'unreachable' | 'error';
  mode: Announce['status'] | null;
  name: string | null;
  detail: string | null;
}

export interface StatusReport {
  up: boolean;
  mode: Announce['status'] | null;
  versions: { cli: string; node: string };
  profile: string;
  apis: Record<Api, ApiStatus>;
  /** `null` where the count is not available with the tokens at hand. */
  counts: {
    users: number | null;
    entity_types: number | null;
    connectors: number | null;
    policies: number | null;
    records: number | null;
  };
}

/**
 * `bbk status`: whether each API answers, the server mode, versions, and counts of users, entity types,
 * connectors and policies (Coordinator API) and of records visible to the consumer token or audience (Consumer API).
 * Exit 0 when all three APIs answer, 1 when any is unreachable.
 */
export async function status(options: { audience?: string }, ctx: CommandContext): Promise<Output> {
  const clients = {
    coordinator: ctx.coordinator(),
    contributor: ctx.contributor(),
    consumer: consumerFor(options, ctx),
  };
  const entries = await Promise.all(
    APIS.map(async (api) => [api, await probe(() => clients[api].announce(), ctx.url(api))] as const),
  );
  const apis = Object.fromEntries(entries) as Record<Api, ApiStatus>;
  const report: StatusReport = {
    up: APIS.every((api) => apis[api].up),
    mode: apis.coordinator.mode ?? apis.contributor.mode ?? apis.consumer.mode,
    versions: { cli: cliVersion(), node: process.version },
    profile: ctx.settings.profileName,
    apis,
    counts: { users: null, entity_types: null, connectors: null, policies: null, records: null },
  };
  if (apis.coordinator.state === 'ok') {
    const coordinator = clients.coordinator;
    const [users, types, policies] = await Promise.all([
      coordinator.users.list().catch(() => null),
      coordinator.entityTypes.list().catch(() => null),
      coordinator.policies.list().catch(() => null),
    ]);
    report.counts.users = users?.length ?? null;
    report.counts.entity_types = types?.length ?? null;
    report.counts.policies = policies?.length ?? null;
    if (types) {
      const perType = await Promise.all(
        types.map((t) =>
          coordinator.connectors
            .list(t.id)
            .then((l) => l.length)
            .catch(() => Number.NaN),
        ),
      );
      const total = perType.reduce((a, b) => a + b, 0);
      report.counts.connectors = Number.isNaN(total) ? null : total;
    }
  }
  if (apis.consumer.state === 'ok') report.counts.records = await countRecords(clients.consumer).catch(() => null);
  return {
    data: report,
    ids: report.up ? APIS.map((api) => apis[api].url) : [],
    view: lazy(
      () => import('./view.js'),
      (v) => <v.StatusView report={report} width={ctx.columns} />,
    ),
    ...(report.up ? {} : { exitCode: EXIT.FAILURE }),
  };
}

async function probe(announce: () => Promise<Announce>, url: string): Promise<ApiStatus> {
  try {
    const a = await announce();
    return { url, up: true, state: 'ok', mode: a.status, name: a.name, detail: null };
  } catch (error) {
    if (error instanceof BbkApiError) {
      const unauthorized = error.status === 401 || error.status === 403;
      return {
        url,
        up: true,
        state: unauthorized ? 'unauthorized' : 'error',
        mode: null,
        name: null,
        detail: `${error.status} ${error.reason}`,
      };
    }
    return {
      url,
      up: false,
      state: 'unreachable',
      mode: null,
      name: null,
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Records visible to the consumer: the sum over its entity types, paged. */
async function countRecords(consumer: ReturnType<typeof consumerFor>): Promise<number> {
  const types = await consumer.entityTypes();
  let total = 0;
  for (const type of types) total += (await collect(consumer.entitiesAll(type.id))).length;
  return total;
}
