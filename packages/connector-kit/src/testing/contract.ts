import type {
  AnyIterable,
  EntityTypeInput,
  JsonObject,
  RecordInput,
  SessionMode,
  TimeseriesDeclaration,
} from '@bbk/sdk';
import { type ConnectorTarget, withConnectorClient } from '../connector-client.js';
import { isPlainObject, stripPrivate } from '../private-keys.js';
import { checkCatalog, checkDetails, checkTimeseries, checkWebhookContract } from './checks.js';
import { type StartedWebhook, startFixture } from './fixture.js';

export type { StartedWebhook } from './fixture.js';

/** Options of `runContractTest`. */
export interface ContractTestOptions {
  /** The entity type slug, or slug plus definition (name, description, schema, timeseries, tags, icon). */
  entityType: string | ({ id: string } & Partial<EntityTypeInput>);
  /** Entity JSON Schema (shortcut for `entityType.schema`). */
  schema?: JsonObject;
  /** Declared timeseries (shortcut for `entityType.timeseries`); needs a webhook. */
  timeseries?: Record<string, TimeseriesDeclaration>;
  /** The records the connector is expected to contribute, private keys included. Called once or twice. */
  records: () => AnyIterable<RecordInput<object, object>> | Promise<AnyIterable<RecordInput<object, object>>>;
  /**
   * Runs the connector's own contribution code against the test server. Default: the kit's client
   * contributes `records()` in `sessionMode`.
   */
  contribute?: (target: ConnectorTarget) => Promise<unknown>;
  /** Session mode of the default contribution. Default `replace`. */
  sessionMode?: SessionMode;
  /** Starts the connector's webhook, given the connector's `webhook_secret` to verify calls with. */
  webhook?: (context: { secret: string | undefined }) => Promise<StartedWebhook>;
  /** Server mode: `production` (tokens, the default) or `development`. */
  mode?: 'development' | 'production';
  /** Connector slug. Default `contract-test`. */
  connector?: string;
  /** Records whose detail is checked (spread over the set). Default all. */
  sample?: number;
  /** Records whose timeseries are checked, per timeseries. Default 5. */
  timeseriesSample?: number;
  /** Contribute a second time and check the catalog is unchanged. Default true. */
  rerun?: boolean;
  /** Progress lines. Default silent. */
  log?: (line: string) => void;
  /** Throw ContractTestError when a check fails. Default true; `false` resolves to the failing report. */
  throwOnFailure?: boolean;
}

/** What `runContractTest` found. */
export interface ContractReport {
  ok: boolean;
  mode: 'development' | 'production';
  entityType: string;
  contributionId: string;
  /** Distinct record ids in `records()`, ids visible to the consumer, details checked. */
  records: { expected: number; visible: number; detailsChecked: number };
  /** Timeseries requests checked (each several calls). */
  timeseriesChecked: number;
  webhook: { url: string; signed: boolean } | null;
  durationMs: number;
  failures: string[];
  warnings: string[];
}

/** Thrown by `runContractTest` when any check fails; carries the whole report. */
export class ContractTestError extends Error {
  override readonly name = 'ContractTestError';
  constructor(readonly report: ContractReport) {
    const shown = report.failures.slice(0, 20).map((f) => `  - ${f}`);
    const more = report.failures.length > shown.length ? [`  … and ${report.failures.length - shown.length} more`] : [];
    super(`bbk contract test failed (${report.failures.length} problem(s)):\n${[...shown, ...more].join('\n')}`);
  }
}

/**
 * Runs a connector end to end against a real embedded bbk server (temporary data directory, free ports):
 * creates the entity type and a live connector, starts the webhook, runs the contribution, then checks
 * through the Consumer API that every record is visible with the right name and entity, that no `_` key
 * reached the catalog, that webhook extras are merged and that timeseries come newest first, limited and
 * windowed. Resolves to the report; throws ContractTestError when a check fails. Needs `@bbk/server` installed.
 * @example
 * test('connector contract', async () => {
 *   await runContractTest({ entityType: 'country', records: () => loadCountries(), contribute: runMyConnector });
 * }, 120_000);
 */
export async function runContractTest(options: ContractTestOptions): Promise<ContractReport> {
  const result = await contractReport(options);
  if (!result.ok && options.throwOnFailure !== false) throw new ContractTestError(result);
  return result;
}

async function contractReport(options: ContractTestOptions): Promise<ContractReport> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const mode = options.mode ?? 'production';
  const type = contractEntityType(options);
  const { id } = type;
  const failures: string[] = [];
  const warnings: string[] = [];
  const report = (contributionId: string, partial: Partial<ContractReport> = {}): ContractReport => ({
    ok: failures.length === 0,
    mode,
    entityType: id,
    contributionId,
    records: { expected: 0, visible: 0, detailsChecked: 0 },
    timeseriesChecked: 0,
    webhook: null,
    ...partial,
    durationMs: Date.now() - began,
    failures,
    warnings,
  });
  if (Object.keys(type.timeseries).length > 0 && !options.webhook) {
    failures.push('the entity type declares timeseries, so the connector must host a webhook (pass `webhook`)');
    return report('');
  }

  const fixture = await startFixture({
    mode,
    type,
    connector: options.connector ?? 'contract-test',
    webhook: options.webhook,
    log,
  });
  try {
    const { target } = fixture;
    const webhook = fixture.webhook ? { url: fixture.webhook.url, signed: fixture.webhook.secret !== undefined } : null;
    const contribute = options.contribute ?? defaultContribution(options);
    log(`contributing to ${target.connectorId}`);
    try {
      await contribute(target);
    } catch (error) {
      failures.push(`the contribution failed: ${error instanceof Error ? error.message : String(error)}`);
      return report(target.connectorId, { webhook });
    }

    const expected = await expectedRecords(options.records, warnings);
    const ctx = {
      ...fixture,
      type: id,
      contributionId: target.connectorId,
      expected,
      timeseries: Object.keys(type.timeseries),
      failures,
      warnings,
    };
    const visible = await checkCatalog(ctx);
    log(`${visible.length} of ${expected.size} records visible`);
    const detailsChecked = await checkDetails(ctx, options.sample);
    const timeseriesChecked = await checkTimeseries(ctx, options.timeseriesSample ?? 5);
    if (webhook) await checkWebhookContract(ctx);

    if (options.rerun ?? true) {
      log('contributing again (idempotence)');
      await contribute(target);
      const again = await checkCatalog(ctx, 'after a second contribution: ');
      if (again.join() !== visible.join())
        failures.push('a second contribution changed the set or order of visible records');
    }
    return report(target.connectorId, {
      records: { expected: expected.size, visible: visible.length, detailsChecked },
      timeseriesChecked,
      webhook,
    });
  } finally {
    await fixture.close();
  }
}

/** The entity type the test creates: the given one, its name, description, schema and timeseries defaulted. */
function contractEntityType(options: ContractTestOptions) {
  const { id, ...given } = typeof options.entityType === 'string' ? { id: options.entityType } : options.entityType;
  return {
    ...given,
    id,
    name: given.name ?? id,
    description: given.description ?? `Contract test of the ${id} connector`,
    schema: options.schema ?? given.schema ?? {},
    timeseries: options.timeseries ?? given.timeseries ?? {},
  };
}

function defaultContribution(options: ContractTestOptions): (target: ConnectorTarget) => Promise<unknown> {
  return async (target) =>
    withConnectorClient(target, async (client) =>
      client.contribute(options.sessionMode ?? 'replace', await options.records()),
    );
}

/** The expected catalog: vendor id → record without private keys; the last record with an id wins. */
async function expectedRecords(
  records: ContractTestOptions['records'],
  warnings: string[],
): Promise<Map<string, RecordInput>> {
  const expected = new Map<string, RecordInput>();
  for await (const record of await records()) {
    if (!isPlainObject(record) || typeof record.id !== 'string')
      throw new TypeError('records() yielded a record without a string id');
    if (expected.has(record.id))
      warnings.push(`records() yields id "${record.id}" more than once; the last one is expected`);
    expected.set(record.id, stripPrivate(record) as RecordInput);
  }
  return expected;
}
