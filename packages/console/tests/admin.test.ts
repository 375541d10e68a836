import { CoordinatorClient } from '@bbk/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from './browser.js';
import { testServer } from './server.js';

// Administration journeys, clicked through in Chromium against a real production-mode server.
describe.skipIf(!HAS_CHROMIUM)('console: administration', () => {
  let server: Awaited<ReturnType<typeof testServer>>;
  let browser: TestBrowser;
  let page: Page;
  let coordinator: CoordinatorClient;

  beforeAll(async () => {
    server = await testServer();
    browser = await launchBrowser();
    page = await browser.page();
    coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.bootstrapToken ?? '' });
  });
  afterAll(async () => {
    await browser?.close();
    await coordinator?.close();
    await server?.destroy();
  });

  it('signs in with the coordinator token', async () => {
    await page.goto(server.urls.console ?? '');
    await page.getByRole('button', { name: 'Coordinator' }).click();
    await page.locator('input[name=token]').fill('coordinator.wrong.token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.problem').textContent()).toContain('401');
    await page.locator('input[name=token]').fill(server.bootstrapToken ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await browser.shot(page, 'users');
  });

  it('creates an entity type: the schema error shows on its field, then is fixed', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Entity types' }).click();
    await page.getByRole('button', { name: 'New entity type' }).click();
    const form = page.getByTestId('entity-type-form');
    await form.locator('input[name=slug]').fill('city');
    await form.locator('input[name=name]').fill('Cities');
    await form.locator('input[name=description]').fill('Cities of the world');
    await form
      .locator('textarea[name=schema]')
      .fill('{ "type": "object", "properties": { "population": { "$ref": "#/definitions/missing" } } }');
    await form.getByRole('button', { name: 'Create' }).click();
    const reason = form.locator('[data-field=schema]');
    await expect.poll(() => reason.textContent()).toContain('is not valid JSON schema');
    // a timeseries declaration's reason shows under the timeseries field, with the path below it
    await form
      .locator('textarea[name=timeseries]')
      .fill('{ "population": { "period": "1Y", "value": "people", "unit": "x1" } }');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => form.locator('[data-field=timeseries]').textContent())
      .toMatch(/^population\.period: does not match pattern/);
    await browser.shot(page, 'entity-type-error');
    // (no timeseries after all: the connector below goes without a webhook)
    await form.locator('textarea[name=timeseries]').fill('{}');
    // nothing typed is lost on an error
    expect(await form.locator('input[name=description]').inputValue()).toBe('Cities of the world');
    await form
      .locator('textarea[name=schema]')
      .fill('{ "type": "object", "properties": { "population": { "type": "integer" } } }');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Cities', exact: true }).waitFor();
    expect((await coordinator.entityTypes.get('city')).schema).toMatchObject({ type: 'object' });
  });

  it('creates a connector, its token shown once with a copy button, and makes it live', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Connectors' }).click();
    await page.getByRole('button', { name: 'New connector' }).click();
    const form = page.getByTestId('connector-form');
    await form.locator('input[name=slug]').fill('open-cities');
    await form.locator('input[name=name]').fill('Open cities');
    await form.locator('input[name=description]').fill('Cities from an open data set');
    await form.locator('input[name=webhook]').fill('ftp://nowhere');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.locator('[data-field=webhook]').textContent()).toContain('does not match pattern');
    await form.locator('input[name=webhook]').fill('');
    await form.getByRole('button', { name: 'Create' }).click();
    const shown = page.getByTestId('shown-once').first();
    const token = (await shown.locator('code').textContent()) ?? '';
    expect(token).toMatch(/^contributor\./);
    await shown.getByRole('button', { name: 'Copy' }).waitFor();
    await browser.shot(page, 'connector-token');
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('shown-once').count()).toBe(0);
    await page.locator('input[name=live-open-cities]').click();
    await expect.poll(async () => (await coordinator.connectors.get('city', 'open-cities')).is_live).toBe(true);
    // records for the preview below, through the Contributor API
    const { ContributorClient } = await import('@bbk/sdk');
    const contributor = new ContributorClient({ baseUrl: server.urls.contributor, token });
    const { contribution_id: cid } = await coordinator.connectors.get('city', 'open-cities');
    await contributor.contribute(cid, 'stream', [
      { id: 'par', name: 'Paris', entity: { population: 2_100_000, mayor: 'A' } },
      { id: 'lyo', name: 'Lyon', entity: { population: 520_000, mayor: 'B' } },
      { id: 'nic', name: 'Nice', entity: { population: 340_000, mayor: 'C' } },
    ]);
    await contributor.close();
  });

  it('creates a policy while the preview shows counts and a masked sample', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('button', { name: 'New policy' }).click();
    const form = page.getByTestId('policy-form');
    await form.locator('input[name=slug]').fill('big-cities');
    await form.locator('input[name=name]').fill('Big cities');
    await form.locator('input[name=description]').fill('Cities over 500,000 people, mayors hidden');
    await form.locator('textarea[name=segment]').fill('{ "type": "city", "entity.population": { "$gt": 500000 } }');
    await form.locator('textarea[name=masks]').fill('city.entity.mayor');
    const preview = page.getByTestId('preview');
    await expect.poll(() => preview.getByTestId('preview-count-city').textContent()).toBe('2');
    const sample = preview.getByTestId('preview-sample');
    expect(await sample.count()).toBe(2);
    await sample.first().locator('summary').click();
    const shown = (await sample.first().locator('pre').textContent()) ?? '';
    expect(shown).toContain('population');
    expect(shown).not.toContain('mayor');
    // a bad segment: the server's reason on the segment field, the preview keeps its last answer
    await form.locator('textarea[name=segment]').fill('{ "type": "city", "entity.population": { "$bogus": 1 } }');
    await expect
      .poll(() => form.locator('[data-field="policy.data_segment.segment_query"]').textContent())
      .toContain('Query contains unrecognised operations');
    await form.locator('textarea[name=segment]').fill('{ "type": "city", "entity.population": { "$gt": 500000 } }');
    await expect.poll(() => form.locator('.reason').count()).toBe(0);
    await browser.shot(page, 'policy-preview');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Big cities', exact: true }).waitFor();
    expect((await coordinator.policies.get('big-cities')).policy.data_segment.field_masks).toEqual([
      'city.entity.mayor',
    ]);
  });

  it('shows which records an edit adds and removes', async () => {
    await page
      .getByRole('row', { name: /big-cities/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    const form = page.getByTestId('policy-form');
    await form.locator('textarea[name=segment]').fill('{ "type": "city", "entity.population": { "$lt": 1000000 } }');
    const preview = page.getByTestId('preview');
    await expect.poll(() => preview.getByTestId('preview-added').textContent()).toContain('Nice');
    expect(await preview.getByTestId('preview-removed').textContent()).toContain('Paris');
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates a user and grants access, the consumer token shown once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByTestId('user-form');
    await form.locator('input[name=name]').fill('Alice');
    await form.locator('input[name=email]').fill('alice@localhost');
    await form.locator('input[name=organization]').fill('Example');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => form.locator('[data-field=email]').textContent()).toContain('email');
    await form.locator('input[name=email]').fill('alice@example.org');
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row', { name: /alice@example\.org/ });
    await row.getByRole('button', { name: 'Accesses' }).click();
    const panel = page.getByTestId('accesses');
    await panel.locator('select[name=policy]').selectOption('big-cities');
    await panel.getByRole('button', { name: 'Grant access' }).click();
    const token = (await panel.getByTestId('shown-once').locator('code').textContent()) ?? '';
    expect(token).toMatch(/^consumer\./);
    await browser.shot(page, 'access-granted');
    const alice = await coordinator.users.getByEmail('alice@example.org');
    expect(alice.accesses.map((a) => a.id)).toEqual(['big-cities']);
  });

  it('promotes a user (the coordinator token shown once), demotes and deletes them', async () => {
    const row = page.getByRole('row', { name: /alice@example\.org/ });
    await row.getByRole('button', { name: 'Promote' }).click();
    // the access panel's consumer token of the test before may still be on screen: pick the coordinator's
    const shown = page.getByTestId('shown-once').filter({ hasText: 'Coordinator token of' });
    expect(await shown.locator('code').textContent()).toMatch(/^coordinator\./);
    await expect.poll(async () => (await coordinator.users.getByEmail('alice@example.org')).coordinator).toBe(true);
    await shown.getByRole('button', { name: 'Done' }).click();
    await row.getByRole('button', { name: 'Demote' }).click();
    await expect.poll(async () => (await coordinator.users.getByEmail('alice@example.org')).coordinator).toBe(false);
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('row', { name: /alice@example\.org/ }).count()).toBe(0);
    expect((await coordinator.users.list()).map((u) => u.email)).not.toContain('alice@example.org');
  });

  it('signs out and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});
