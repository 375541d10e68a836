import { runContractTest } from '@bbk/connector-kit/testing';
import { describe, expect, it } from 'vitest';
import {
  COUNTRY_ENTITY_TYPE,
  COUNTRY_TYPE,
  createCountriesWebhook,
  loadCountries,
  runCountriesConnector,
} from '../src/index.js';

describe('countries connector', () => {
  it('passes the contract test end to end: 199 records, live extras, population timeseries', async () => {
    const report = await runContractTest({
      entityType: { id: COUNTRY_TYPE, ...COUNTRY_ENTITY_TYPE },
      records: loadCountries,
      contribute: (target) => runCountriesConnector(target),
      webhook: async ({ secret }) => {
        const webhook = createCountriesWebhook(secret ? { secret } : {});
        await webhook.listen(0);
        return webhook;
      },
      timeseriesSample: 12,
    });
    expect(report).toMatchObject({
      ok: true,
      records: { expected: 199, visible: 199, detailsChecked: 199 },
      timeseriesChecked: 12,
      webhook: { signed: true },
      warnings: [],
    });
  }, 120_000);
});
