import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createWebhook, type PointInput } from '../src/index.js';
import { ContractTestError, runContractTest, type SourceRecord } from '../src/testing/index.js';

/** A small connector: stations with a private key, live extras and a daily `level` series. */
const stations: SourceRecord[] = ['Oslo', 'Bergen', 'Tromsø', 'Stavanger', 'Ålesund/Vest'].map((city, i) => ({
  id: i === 4 ? 'NO 05/vest' : `NO-0${i + 1}`,
  name: `${city} station`,
  entity: {
    city,
    capacity: 100 + i,
    location: { type: 'Point', coordinates: [5 + i, 60 + i] },
    sister: 'bbk://station/0000000000000000000000000000000000000000/NO-01',
  },
  ...(i % 2 === 0 ? { instance: { opened: 1990 + i } } : {}),
  _operator_notes: 'private',
}));

const levels = (id: string): PointInput<number>[] =>
  Array.from({ length: 12 }, (_, day) => ({ from: new Date(Date.UTC(2024, 0, day + 1)), value: id.length * 10 + day }));

const stationWebhook = (secret: string | undefined) =>
  createWebhook(
    {
      entity: (_type, id) => {
        const station = stations.find((s) => s.id === id);
        return (
          station && { entity: { level_now: 7, _calibration: 1 }, instance: { checked: new Date().toISOString() } }
        );
      },
      timeseries: (_type, id, tsid) => (tsid === 'level' && stations.some((s) => s.id === id) ? levels(id) : undefined),
    },
    secret ? { secret } : {},
  );

const entityType = {
  id: 'station',
  name: 'Stations',
  description: 'Measuring stations',
  schema: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
  timeseries: { level: { period: 'P1D', value: 'level', unit: 'cm' } },
};

describe('runContractTest', () => {
  it('passes a correct connector with a signed webhook on a production server', async () => {
    const lines: string[] = [];
    const report = await runContractTest({
      entityType,
      records: () => stations,
      sessionMode: 'stream',
      webhook: async ({ secret }) => {
        const webhook = stationWebhook(secret);
        await webhook.listen(0);
        return webhook;
      },
      log: (line) => lines.push(line),
    });
    expect(report).toMatchObject({
      ok: true,
      mode: 'production',
      records: { expected: 5, visible: 5, detailsChecked: 5 },
      timeseriesChecked: 5,
      webhook: { signed: true },
      failures: [],
      warnings: [],
    });
    expect(lines.some((line) => line.includes('production'))).toBe(true);
  });

  it('passes a webhook-less connector running its own code on a development server', async () => {
    const report = await runContractTest({
      entityType: 'plain',
      mode: 'development',
      records: async function* () {
        yield { id: 'a', name: 'A', entity: { n: 1 }, _x: 1 };
        yield { id: 'b', name: 'B', entity: { n: 2 } };
      },
      contribute: async ({ contributorUrl, connectorId }) => {
        const res = await fetch(`${contributorUrl}/connector/${connectorId}/session/open/replace`);
        const sid = (await res.json()) as string;
        await fetch(`${contributorUrl}/connector/${connectorId}/session/${sid}/upsert`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([
            { id: 'a', name: 'A', entity: { n: 1 } },
            { id: 'b', name: 'B', entity: { n: 2 } },
          ]),
        });
        await fetch(`${contributorUrl}/connector/${connectorId}/session/${sid}/close/true`);
      },
    });
    expect(report).toMatchObject({
      ok: true,
      mode: 'development',
      records: { expected: 2, visible: 2 },
      webhook: null,
    });
  });

  it('reports what a broken connector gets wrong', async () => {
    let server: Server | undefined;
    // A hand-made webhook: oldest first, ignores the window and answers 200 for any id.
    const brokenWebhook = async () => {
      server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const body = url.pathname.startsWith('/timeseries/')
          ? levels('NO-01').map((p) => ({ from: (p.from as Date).toISOString(), value: p.value }))
          : url.pathname === '/health'
            ? { status: 'ok' }
            : { entity: { level_now: 7 } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((resolve) => server?.close(() => resolve())),
      };
    };
    const error = await runContractTest({
      entityType,
      records: () => stations,
      // forgets the last station and renames the first
      contribute: async (target) => {
        const { createConnectorClient } = await import('../src/index.js');
        const client = createConnectorClient(target);
        await client.replace(stations.slice(0, 4).map((s, i) => (i === 0 ? { ...s, name: 'Renamed' } : s)));
        await client.close();
      },
      webhook: brokenWebhook,
      timeseriesSample: 2,
      rerun: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractTestError);
    const { report } = error as ContractTestError;
    expect(report.ok).toBe(false);
    const text = report.failures.join('\n');
    expect(text).toContain('record "NO 05/vest" is not visible');
    expect(text).toContain('record "NO-01" is listed as "Renamed", expected "Oslo station"');
    // bbk passes the points through as served (spec §4.6): the consumer sees them oldest first
    expect(text).toContain('record "NO-01" timeseries level: points are not newest first');
    expect(text).toContain('record "NO-01" timeseries level: limit=2 did not give the two newest points');
    expect(text).toMatch(/gave 12 point\(s\), expected \d/);
    expect(text).toContain('unknown id');
    expect(text).toContain('bad start');
    expect(report.warnings.join()).toContain('unsigned');
  });

  it('refuses timeseries without a webhook', async () => {
    const report = await runContractTest({ entityType, records: () => stations, throwOnFailure: false });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      'the entity type declares timeseries, so the connector must host a webhook (pass `webhook`)',
    ]);
  });
});
