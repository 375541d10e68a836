import { ConsumerClient, CoordinatorClient, type Query } from '@bbk/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpDemo } from '../../cli/src/commands/demo/setup.js';
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from './browser.js';
import { testServer } from './server.js';

// Consumer journeys (explorer and map) in Chromium, on the `bbk demo` catalog: countries with a population
// timeseries from a webhook, and UNESCO heritage sites with locations.
describe.skipIf(!HAS_CHROMIUM)('console: explorer and map', () => {
  let server: Awaited<ReturnType<typeof testServer>>;
  let demo: Awaited<ReturnType<typeof setUpDemo>>;
  let browser: TestBrowser;
  let page: Page;
  let token: string;
  let consumer: ConsumerClient;
  /** A consumer of the heritage sites inscribed since 2005 (257 of them), for the map. */
  let mapToken: string;
  let mapConsumer: ConsumerClient;
  /** A consumer of every heritage site with the location masked: nothing may be placed. */
  let maskedToken: string;

  beforeAll(async () => {
    server = await testServer();
    demo = await setUpDemo({ urls: server.urls, coordinatorToken: server.bootstrapToken ?? '' });
    token = demo.consumers.find((c) => c.policy.id === 'everything')?.token ?? '';
    consumer = new ConsumerClient({ baseUrl: server.urls.consumer, token });
    const coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.bootstrapToken ?? '' });
    await coordinator.policies.create('recent-sites', {
      name: 'Recent heritage sites',
      description: 'Heritage sites inscribed since 2005',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'heritage-site', 'entity.inscribed': { $gte: 2005 } } },
        legal_context: [],
      },
    });
    const { id } = await coordinator.users.create({
      name: 'Mapper',
      email: 'mapper@example.org',
      organization: 'Maps',
    });
    mapToken = await coordinator.accesses.grant(id, 'recent-sites');
    await coordinator.policies.create('sites-unplaced', {
      name: 'Heritage sites without their locations',
      description: 'Heritage sites, locations masked',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'heritage-site' }, field_masks: ['heritage-site.entity.location'] },
        legal_context: [],
      },
    });
    maskedToken = await coordinator.accesses.grant(id, 'sites-unplaced');
    await coordinator.close();
    mapConsumer = new ConsumerClient({ baseUrl: server.urls.consumer, token: mapToken });
    browser = await launchBrowser();
    page = await browser.page();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await consumer?.close();
    await mapConsumer?.close();
    await demo?.webhook.close();
    await server?.destroy();
  });

  it('opens the explorer from a link holding the token, which leaves the address bar', async () => {
    await page.goto(`${server.urls.console}#/explore?token=${encodeURIComponent(token)}`);
    await page.getByTestId('entity-types').getByRole('button').first().waitFor();
    expect(page.url()).not.toContain(token);
    expect(page.url()).toContain('#/explore');
    expect(await page.evaluate("sessionStorage.getItem('bbk-console-session')")).toContain(token);
    const types = await page.getByTestId('entity-types').getByRole('button').allTextContents();
    expect(types.length).toBe((await consumer.entityTypes()).length);
  });

  it('shows a query error inline, then results with paging', async () => {
    const query = page.locator('textarea[name=query]');
    await query.fill('{ "type": { "$foo": "country" } }');
    await page.getByRole('button', { name: 'Run' }).click();
    const reason = page.locator('[data-field="policy.data_segment.segment_query"]');
    await expect.poll(() => reason.textContent()).toBe('Query contains unrecognised operations');
    await query.fill('{ "type": "country" }');
    await page.getByRole('button', { name: 'Run' }).click();
    const results = page.getByTestId('results');
    await expect.poll(() => results.locator('h2').textContent()).toBe('Results 1–20');
    const first = await consumer.catalog({ type: 'country' } as Query, { limit: 20, offset: 20 });
    await results.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => results.locator('h2').textContent()).toBe('Results 21–40');
    expect(await results.locator('tbody tr td:first-child').allTextContents()).toEqual(first.map((r) => r.name));
    const snippet = (await page.getByTestId('snippet-curl').textContent()) ?? '';
    expect(snippet).toContain('$BBK_TOKEN');
    expect(snippet).not.toContain(token);
    await browser.shot(page, 'explorer');
  });

  it('opens a record with its legal notices and its timeseries chart', async () => {
    await page.getByTestId('results').locator('tbody tr').first().getByRole('button').click();
    const detail = page.getByTestId('record-detail');
    await detail.getByTestId('legal').waitFor();
    const [item] = await consumer.catalog({ type: 'country' } as Query, { limit: 1, offset: 20 });
    const full = await consumer.entity('country', item?.id ?? '');
    for (const l of full.legal) expect(await detail.getByTestId('legal').textContent()).toContain(l.text);
    await detail.locator('svg.chart polyline').waitFor();
    await browser.shot(page, 'record-detail');
  });

  it('draws the records on the map, and the list follows a click on a point or a name', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Map' }).waitFor();
    // another consumer's link: the session changes to it
    await page.goto(`${server.urls.console}#/map?token=${encodeURIComponent(mapToken)}`);
    const status = page.getByTestId('map-status');
    await expect.poll(() => status.textContent(), { timeout: 40_000 }).toBe('257 of 257 records have a location');
    expect(await page.getByTestId('map').locator('canvas').count()).toBeGreaterThan(0);
    const list = page.getByTestId('map-list');
    await list.locator('li button').nth(3).click();
    await expect.poll(() => list.locator('li.selected').count()).toBe(1);
    const name = (await list.locator('li.selected button').textContent()) ?? '';
    await expect.poll(() => page.locator('.leaflet-popup-content').textContent()).toContain(name);
    await browser.shot(page, 'map');
  });

  it('runs $near from a click and a radius, as the API does', async () => {
    await page.getByRole('button', { name: 'Near a point' }).click();
    await page.locator('input[name=radius]').fill('400');
    const map = page.getByTestId('map');
    const box = await map.boundingBox();
    if (!box) throw new Error('no map');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('textarea[name=query]').inputValue()).toContain('$near');
    await expect.poll(() => page.getByTestId('map-status').textContent()).toMatch(/records have a location$/);
    const query = JSON.parse(await page.locator('textarea[name=query]').inputValue()) as Query;
    const api = await mapConsumer.catalog(query, { limit: 250 });
    expect(api.length).toBeGreaterThan(0);
    expect(await page.getByTestId('map-list').locator('h2').textContent()).toBe(`${api.length} on the map`);
    await browser.shot(page, 'map-near');
  });

  it('runs $within from a drawn polygon, as the API does', async () => {
    await page.getByRole('button', { name: 'Draw a polygon' }).click();
    // the map may still be moving to the last answer's points: corners clicked meanwhile land apart, and the click
    // meant to close the polygon misses its first corner
    await mapSettled(page);
    const box = await page.getByTestId('map').boundingBox();
    if (!box) throw new Error('no map');
    const at = (fx: number, fy: number) => page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    await at(0.3, 0.3);
    await at(0.7, 0.3);
    await at(0.7, 0.7);
    await at(0.3, 0.7);
    await at(0.3, 0.3);
    await expect.poll(() => page.locator('textarea[name=query]').inputValue()).toContain('$within');
    await expect.poll(() => page.getByTestId('map-status').textContent()).toMatch(/records have a location$/);
    const query = JSON.parse(await page.locator('textarea[name=query]').inputValue()) as Query;
    expect(JSON.stringify(query)).not.toContain('$near');
    const api = await mapConsumer.catalog(query, { limit: 250 });
    expect(api.length).toBeGreaterThan(0);
    expect(await page.getByTestId('map-list').locator('h2').textContent()).toBe(`${api.length} on the map`);
    expect((await page.getByTestId('map-list').locator('li button').allTextContents()).sort()).toEqual(
      api.map((r) => r.name).sort(),
    );
    await browser.shot(page, 'map-within');
    expect(browser.errors).toEqual([]);
  });

  it('places nothing when the policy masks the location', { timeout: 60_000 }, async () => {
    await page.goto(`${server.urls.console}#/map?token=${encodeURIComponent(maskedToken)}`);
    const status = page.getByTestId('map-status');
    await expect.poll(() => status.textContent(), { timeout: 40_000 }).toBe('No visible entity type has locations.');
    await page.locator('textarea[name=query]').fill('{ "type": "heritage-site" }');
    await page.getByRole('button', { name: 'Run' }).click();
    const masked = new ConsumerClient({ baseUrl: server.urls.consumer, token: maskedToken });
    const sites = [];
    for await (const item of masked.entitiesAll('heritage-site', { fields: ['entity.location'] })) sites.push(item);
    await masked.close();
    expect(sites.length).toBeGreaterThan(1000);
    expect(sites.every((i) => i.fields && !('entity.location' in i.fields))).toBe(true);
    await expect
      .poll(() => status.textContent(), { timeout: 40_000 })
      .toBe(`0 of ${sites.length} records have a location`);
    expect(await page.getByTestId('map-list').locator('li').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});

/** Waits until the map has stopped moving: its pane's transform and the container's animation classes hold still. */
async function mapSettled(page: Page): Promise<void> {
  const pane = page.locator('[data-testid=map] .leaflet-map-pane');
  let last = '';
  await expect
    .poll(
      async () => {
        // runs in the page (a DOM element there; this file is typed without the DOM's names)
        const now = await pane.evaluate((el) => {
          const node = el as unknown as { parentElement: { className: string } | null };
          const style = (
            globalThis as unknown as { getComputedStyle(e: unknown): { transform: string } }
          ).getComputedStyle(el);
          return `${style.transform} ${node.parentElement?.className ?? ''}`;
        });
        const still = now === last && !now.includes('leaflet-zoom-anim');
        last = now;
        return still;
      },
      { interval: 300, timeout: 10_000 },
    )
    .toBe(true);
}
