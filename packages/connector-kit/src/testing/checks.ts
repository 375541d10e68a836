import { BbkApiError, type ConsumerClient, type RecordInput, type TimeseriesPoint } from '@bbk/sdk';
import { getGlobalDispatcher } from 'undici';
import { isPlainObject, privatePaths } from '../private-keys.js';
import { signWebhookRequest } from '../webhook/signature.js';
import { consumerView, jsonEqual, mapLimit, publicId, sectionDiff, spread } from './expect.js';

/** What every check needs; checks append to `failures` and `warnings`. */
export interface CheckContext {
  consumer: ConsumerClient;
  type: string;
  contributionId: string;
  /** Consumer API base URL, the `route` of rewritten bbk links. */
  consumerRoute: string;
  /** Vendor id → record without private keys. */
  expected: Map<string, RecordInput>;
  webhook: { url: string; secret: string | undefined } | undefined;
  timeseries: string[];
  failures: string[];
  warnings: string[];
}

const CONCURRENCY = 8;
/** Listing every missing or unexpected record of a large set helps no one. */
const MAX_LISTED = 10;

/**
 * The consumer's list of the type holds exactly the expected records, each once, with the right name.
 * Resolves to the public ids in list order.
 */
export async function checkCatalog(ctx: CheckContext, prefix = ''): Promise<string[]> {
  const byPublicId = new Map(
    [...ctx.expected.keys()].map((vendorId) => [publicId(ctx.contributionId, vendorId), vendorId]),
  );
  const seen: string[] = [];
  const seenSet = new Set<string>();
  const problems: string[] = [];
  for await (const item of ctx.consumer.entitiesAll(ctx.type)) {
    const vendorId = byPublicId.get(item.id);
    if (seenSet.has(item.id)) problems.push(`record ${item.id} is listed twice`);
    seen.push(item.id);
    seenSet.add(item.id);
    if (vendorId === undefined) problems.push(`unexpected record ${item.id} ("${item.name}") is visible`);
    else if (item.name !== ctx.expected.get(vendorId)?.name) {
      problems.push(`record "${vendorId}" is listed as "${item.name}", expected "${ctx.expected.get(vendorId)?.name}"`);
    }
    if (item.type !== ctx.type) problems.push(`record ${item.id} has type "${item.type}"`);
  }
  for (const [pid, vendorId] of byPublicId) if (!seenSet.has(pid)) problems.push(`record "${vendorId}" is not visible`);
  report(
    ctx.failures,
    problems.map((p) => prefix + p),
  );
  return seen;
}

/**
 * Each sampled record's detail: name, entity and instance as contributed (bbk links rewritten), webhook
 * extras merged, no `_` keys, the declared timeseries. Resolves to the number of details checked.
 */
export async function checkDetails(ctx: CheckContext, sample?: number): Promise<number> {
  const chosen = spread([...ctx.expected.keys()], sample ?? ctx.expected.size);
  const problems = await mapLimit(chosen, CONCURRENCY, (vendorId) =>
    guarded(`record "${vendorId}"`, async (where) => {
      const record = ctx.expected.get(vendorId) as RecordInput;
      const detail = await ctx.consumer.entity(ctx.type, publicId(ctx.contributionId, vendorId));
      const found: string[] = [];
      if (detail.name !== record.name) found.push(`${where}: name "${detail.name}", expected "${record.name}"`);
      for (const path of privatePaths({ entity: detail.entity, instance: detail.instance })) {
        found.push(`${where}: private key ${path} reached the consumer`);
      }
      const extras = ctx.webhook
        ? await webhookCall(ctx, `/entity/${ctx.type}/${encodeURIComponent(vendorId)}`)
        : undefined;
      for (const section of ['entity', 'instance'] as const) {
        const expected = consumerView(record[section] ?? {}, ctx.consumerRoute) as Record<string, unknown>;
        const live =
          extras?.status === 200 && isPlainObject(extras.body) && isPlainObject(extras.body[section])
            ? extras.body[section]
            : {};
        const actual = detail[section] as Record<string, unknown>;
        const liveKeys = new Set(Object.keys(live));
        for (const diff of sectionDiff(expected, actual, liveKeys)) found.push(`${where}: ${section}.${diff}`);
        for (const key of liveKeys)
          if (!Object.hasOwn(actual, key)) found.push(`${where}: webhook ${section}.${key} was not merged`);
        for (const key of Object.keys(actual)) {
          if (!Object.hasOwn(expected, key) && !liveKeys.has(key)) found.push(`${where}: unexpected ${section}.${key}`);
        }
      }
      const declared = [...ctx.timeseries].sort().join();
      const shown = Object.keys(detail.timeseries).sort().join();
      if (declared !== shown) found.push(`${where}: timeseries [${shown}], expected [${declared}]`);
      return found;
    }),
  );
  report(ctx.failures, problems.flat());
  return chosen.length;
}

/**
 * For sampled records and each declared timeseries: the consumer gets what the webhook serves, newest first;
 * `limit` keeps the newest points; a `[start, end)` window keeps exactly the points inside it.
 * Resolves to the number of series checked.
 */
export async function checkTimeseries(ctx: CheckContext, sample: number): Promise<number> {
  if (!ctx.webhook) return 0;
  let checked = 0;
  for (const tsid of ctx.timeseries) {
    let withPoints = 0;
    const chosen = spread([...ctx.expected.keys()], sample);
    const problems = await mapLimit(chosen, CONCURRENCY, (vendorId) =>
      guarded(`record "${vendorId}" timeseries ${tsid}`, async (where) => {
        const pid = publicId(ctx.contributionId, vendorId);
        const get = (params: Parameters<ConsumerClient['timeseries']>[3]) =>
          ctx.consumer.timeseries(ctx.type, pid, tsid, params);
        const found: string[] = [];
        const full = await get({ limit: 500 });
        const direct = await webhookCall(
          ctx,
          `/timeseries/${ctx.type}/${encodeURIComponent(vendorId)}/${encodeURIComponent(tsid)}?limit=500`,
        );
        if (direct.status === 200 && !jsonEqual(full, direct.body)) {
          const served = Array.isArray(direct.body) ? `${direct.body.length} point(s)` : 'no array';
          // bbk passes the webhook's array through unchanged (spec §4.6), so the two answers must be equal
          found.push(`${where}: the consumer got ${full.length} point(s), the webhook serves ${served}`);
        } else if (direct.status !== 200 && direct.status !== 404) {
          found.push(`${where}: the webhook answered ${direct.status}`);
        }
        if (full.length > 0) withPoints++;
        const times = full.map((point) => Date.parse(point.from));
        if (times.some(Number.isNaN)) found.push(`${where}: a point's "from" is not a date`);
        if (times.some((t, i) => i > 0 && t > (times[i - 1] as number)))
          found.push(`${where}: points are not newest first`);
        if (full.length >= 2 && !jsonEqual(await get({ limit: 2 }), full.slice(0, 2))) {
          found.push(`${where}: limit=2 did not give the two newest points`);
        }
        const windowed = windowOf(full);
        if (windowed) {
          const got = await get({ start: windowed.start, end: windowed.end });
          if (!jsonEqual(got, windowed.points)) {
            found.push(
              `${where}: [${windowed.start}, ${windowed.end}) gave ${got.length} point(s), expected ${windowed.points.length}`,
            );
          }
        }
        return found;
      }),
    );
    checked += chosen.length;
    report(ctx.failures, problems.flat());
    if (withPoints === 0 && chosen.length > 0) ctx.warnings.push(`no sampled record has points in timeseries ${tsid}`);
  }
  return checked;
}

/** The webhook itself: health, 404 for unknown ids, 400 for bad parameters, 401 without a signature. */
export async function checkWebhookContract(ctx: CheckContext): Promise<void> {
  const problems: string[] = [];
  const expectStatus = async (target: string, want: number, what: string, signed = true) => {
    const { status } = await webhookCall(ctx, target, signed);
    if (status !== want) problems.push(`webhook ${what}: ${target} answered ${status}, expected ${want}`);
  };
  await expectStatus('/health', 200, 'health');
  await expectStatus(`/entity/${ctx.type}/bbk-contract-unknown-id`, 404, 'unknown id');
  const first = [...ctx.expected.keys()][0];
  for (const tsid of ctx.timeseries) {
    const base = `/timeseries/${ctx.type}/${encodeURIComponent(first ?? 'x')}/${encodeURIComponent(tsid)}`;
    await expectStatus(`${base}?start=1970-13-01&limit=5`, 400, 'bad start');
    await expectStatus(`${base}?limit=0`, 400, 'bad limit');
  }
  if (ctx.webhook?.secret && first !== undefined) {
    const { status } = await webhookCall(ctx, `/entity/${ctx.type}/${encodeURIComponent(first)}`, false);
    if (status !== 401)
      ctx.warnings.push(`the webhook answers unsigned calls (${status}); pass the secret to createWebhook`);
  }
  report(ctx.failures, problems);
}

/**
 * A window of about the middle third of a series, and the points it must return (in the order served). The bounds
 * come from the points sorted newest first, so a webhook that serves another order still gets its window checked.
 */
function windowOf(full: TimeseriesPoint[]): { start: string; end: string; points: TimeseriesPoint[] } | undefined {
  if (full.length < 3) return undefined;
  const newestFirst = [...full].sort((a, b) => Date.parse(b.from) - Date.parse(a.from));
  const start = newestFirst[Math.floor((2 * full.length) / 3)]?.from as string;
  const end = newestFirst[Math.floor(full.length / 3)]?.from as string;
  const [s, e] = [Date.parse(start), Date.parse(end)];
  if (!(s < e)) return undefined;
  return { start, end, points: full.filter((p) => Date.parse(p.from) >= s && Date.parse(p.from) < e) };
}

/** Calls the connector's webhook directly, signed like bbk signs (when a secret is known). */
async function webhookCall(
  ctx: CheckContext,
  suffix: string,
  signed = true,
): Promise<{ status: number; body: unknown }> {
  const base = new URL(ctx.webhook?.url ?? 'http://127.0.0.1:9');
  const target = `${base.pathname.replace(/\/$/, '')}${suffix}`;
  const headers: Record<string, string> = { accept: 'application/json, text/plain' };
  if (signed && ctx.webhook?.secret) {
    const timestamp = Math.floor(Date.now() / 1000);
    headers['x-bbk-signature'] = signWebhookRequest(ctx.webhook.secret, { method: 'GET', target, timestamp });
  }
  try {
    // sent with its target as written: fetch (and any URL parser) would collapse a `%2E%2E` id into the parent path
    const res = await getGlobalDispatcher().request({
      origin: base.origin,
      path: target,
      method: 'GET',
      headers,
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.body.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.statusCode, body };
  } catch (error) {
    return { status: 0, body: message(error) };
  }
}

/** Runs one record's checks; a request that fails becomes one problem instead of ending the test. */
async function guarded(where: string, check: (where: string) => Promise<string[]>): Promise<string[]> {
  try {
    return await check(where);
  } catch (error) {
    return [`${where}: request failed: ${message(error)}`];
  }
}

function report(failures: string[], problems: string[]): void {
  failures.push(...problems.slice(0, MAX_LISTED));
  if (problems.length > MAX_LISTED) failures.push(`… and ${problems.length - MAX_LISTED} similar problem(s)`);
}

function message(error: unknown): string {
  if (error instanceof BbkApiError) return `${error.status} ${error.reason}`;
  return error instanceof Error ? error.message : String(error);
}
