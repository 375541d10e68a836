import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runContractTest } from '@bbk/connector-kit/testing';
import {
  COUNTRY_ENTITY_TYPE,
  COUNTRY_TYPE,
  createCountriesWebhook,
  runCountriesConnector,
} from '@bbk/example-countries';
import { createBbk } from '@bbk/sdk';
import { startServer } from '@bbk/server';
import { describe, expect, it } from 'vitest';
import {
  HERITAGE_CATEGORIES,
  HERITAGE_ENTITY_TYPE,
  HERITAGE_TYPE,
  heritageRecord,
  loadHeritageSites,
  runHeritageConnector,
} from '../src/index.js';

const countriesId = 'c0ffee0000000000000000000000000000000000';

describe('heritage sites connectors', () => {
  for (const category of HERITAGE_CATEGORIES) {
    it(`${category}: passes the contract test in replace mode`, async () => {
      const report = await runContractTest({
        entityType: { id: HERITAGE_TYPE, ...HERITAGE_ENTITY_TYPE },
        connector: `unesco-${category}`,
        records: () => loadHeritageSites(category).map((site) => heritageRecord(site, countriesId)),
        contribute: (target) => runHeritageConnector({ ...target, category, countryConnectorId: countriesId }),
      });
      expect(report).toMatchObject({ ok: true, records: { visible: loadHeritageSites(category).length } });
    }, 120_000);
  }

  it('with the countries connector: two connectors of one type, links that resolve to the country', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bbk-heritage-'));
    const server = await startServer(
      { mode: 'production', dataDir, coordinatorPort: 0, contributorPort: 0, consumerPort: 0 },
      {},
    );
    const webhook = createCountriesWebhook();
    const bbk = createBbk({ coordinatorUrl: server.urls.coordinator, token: { coordinator: server.bootstrapToken } });
    try {
      const { coordinator } = bbk;
      await coordinator.entityTypes.create(COUNTRY_TYPE, COUNTRY_ENTITY_TYPE);
      await coordinator.entityTypes.create(HERITAGE_TYPE, HERITAGE_ENTITY_TYPE);
      const countries = await coordinator.connectors.create(COUNTRY_TYPE, 'countries', {
        name: 'Countries',
        description: 'Example',
        webhook: await webhook.listen(0),
      });
      await runCountriesConnector({
        contributorUrl: server.urls.contributor,
        token: countries.token,
        connectorId: countries.id,
      });
      await coordinator.connectors.promote(COUNTRY_TYPE, 'countries');
      for (const category of HERITAGE_CATEGORIES) {
        const slug = `unesco-${category}`;
        const created = await coordinator.connectors.create(HERITAGE_TYPE, slug, {
          name: slug,
          description: 'Example',
        });
        await runHeritageConnector({
          contributorUrl: server.urls.contributor,
          token: created.token,
          connectorId: created.id,
          category,
          countryConnectorId: countries.id,
        });
        await coordinator.connectors.promote(HERITAGE_TYPE, slug);
      }
      await coordinator.policies.create('all', {
        name: 'All',
        description: 'Everything',
        policy: {
          access_control: { enabled: false },
          data_segment: { segment_query: { type: { $in: [COUNTRY_TYPE, HERITAGE_TYPE] } } },
          legal_context: [],
        },
      });
      const user = await coordinator.users.create({ name: 'Reader', email: 'reader@bbk.test', organization: 'bbk' });
      const consumer = createBbk({
        consumerUrl: server.urls.consumer,
        token: { consumer: await coordinator.accesses.grant(user.id, 'all') },
      }).consumer;

      const etna = (await consumer.catalog({ type: HERITAGE_TYPE, name: 'Mount Etna' }))[0];
      expect(etna).toBeDefined();
      const detail = await consumer.entity<{ country: string; category: string }>(HERITAGE_TYPE, etna?.id ?? '');
      expect(detail.entity.category).toBe('natural');
      expect(detail.entity.country).toMatch(new RegExp(`^${server.urls.consumer}/entity/country/[0-9a-f]{40}$`));
      const italy = await consumer.entity<{ capital: string }>(
        COUNTRY_TYPE,
        detail.entity.country.split('/').pop() ?? '',
      );
      expect([italy.name, italy.entity.capital]).toEqual(['Italy', 'Rome']);

      let sites = 0;
      for await (const _ of consumer.entitiesAll(HERITAGE_TYPE)) sites++;
      expect(sites).toBe(1017);
      await consumer.close();
    } finally {
      await bbk.close();
      await webhook.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
