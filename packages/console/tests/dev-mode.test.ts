import { CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from './browser.js';
import { testServer } from './server.js';

// Development mode: no tokens; a consumer picks the policy by its slug (x-bbk-audience).
describe.skipIf(!HAS_CHROMIUM)('console: development mode', () => {
  let server: Awaited<ReturnType<typeof testServer>>;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await testServer({ mode: 'development' });
    const coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator });
    await coordinator.entityTypes.create('city', { name: 'Cities', description: 'Cities of the world' });
    await coordinator.entityTypes.create('river', { name: 'Rivers', description: 'Rivers of the world' });
    const { id, token } = await coordinator.connectors.create('city', 'open-cities', {
      name: 'Open',
      description: 'd',
    });
    await coordinator.connectors.promote('city', 'open-cities');
    const { ContributorClient } = await import('@bbk/sdk');
    const contributor = new ContributorClient({ baseUrl: server.urls.contributor, token });
    await contributor.contribute(id, 'stream', [{ id: 'par', name: 'Paris', entity: { population: 2_100_000 } }]);
    await contributor.close();
    await coordinator.policies.create('cities', {
      name: 'All cities',
      description: 'every city',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'city' } },
        legal_context: [],
      },
    });
    await coordinator.close();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('signs in as the consumer of a policy chosen by name, without a token', async () => {
    const page = await browser.page();
    await page.goto(server.urls.console ?? '');
    expect(await page.locator('input[name=token]').count()).toBe(0);
    await page.getByRole('button', { name: 'Consumer' }).click();
    await page.locator('select[name=policy]').selectOption('cities');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const types = page.getByTestId('entity-types').getByRole('button');
    await types.first().waitFor();
    // the policy's segment decides: the river is in the catalog, not in the policy
    expect(await types.allTextContents()).toEqual(['Cities']);
    expect(await page.locator('header .who').textContent()).toContain('Consumer of “cities” · development mode');
    expect(browser.errors).toEqual([]);
  });
});
