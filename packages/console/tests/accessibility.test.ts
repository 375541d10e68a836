import { ConsumerClient, type Query } from '@bbk/sdk';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpDemo } from '../../cli/src/commands/demo/setup.js';
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from './browser.js';
import { testServer } from './server.js';

// The quality bar: keyboard usable (visible focus), every control labelled, readable at 1280×800 and at a
// phone's width (390×844), on the `bbk demo` catalog. Screenshots at phone width go to BBK_SCREENSHOTS.
describe.skipIf(!HAS_CHROMIUM)('console: keyboard, labels, narrow screens', () => {
  let server: Awaited<ReturnType<typeof testServer>>;
  let demo: Awaited<ReturnType<typeof setUpDemo>>;
  let browser: TestBrowser;
  let token: string;
  let coordinatorToken: string;
  let consumer: ConsumerClient;

  beforeAll(async () => {
    server = await testServer();
    coordinatorToken = server.bootstrapToken ?? '';
    demo = await setUpDemo({ urls: server.urls, coordinatorToken });
    token = demo.consumers.find((c) => c.policy.id === 'everything')?.token ?? '';
    consumer = new ConsumerClient({ baseUrl: server.urls.consumer, token });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await consumer?.close();
    await demo?.webhook.close();
    await server?.destroy();
  });

  it('signs in and runs a query with the keyboard alone, the focus always visible', { timeout: 60_000 }, async () => {
    const page = await browser.page();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(server.urls.console ?? '');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await tabTo(page, 'button', 'Consumer');
    await page.keyboard.press('Space');
    expect(await page.getByRole('button', { name: 'Consumer' }).getAttribute('aria-pressed')).toBe('true');
    await tabTo(page, 'input', 'token');
    await page.keyboard.type(token);
    await tabTo(page, 'button', 'Sign in');
    await page.keyboard.press('Enter');
    await page.getByTestId('entity-types').getByRole('button').first().waitFor();

    await tabTo(page, 'textarea', 'query');
    await page.keyboard.type('{ "type": "country", "entity.continent": "Europe" }');
    await tabTo(page, 'button', 'Run');
    await page.keyboard.press('Enter');
    const results = page.getByTestId('results');
    const api = await consumer.catalog({ type: 'country', 'entity.continent': 'Europe' } as Query, { limit: 20 });
    await expect
      .poll(() => results.locator('tbody tr td:first-child').allTextContents())
      .toEqual(api.map((r) => r.name));
    // the first result opens with Enter
    await tabTo(page, 'button', api[0]?.name ?? '');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('record-detail').locator('h2').first().textContent())
      .toContain(api[0]?.name ?? '');
    expect(browser.errors).toEqual([]);
    await page.close();
  });

  it('gives every input, button, select and link on every screen an accessible name', {
    timeout: 120_000,
  }, async () => {
    const page = await browser.page();
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const screen of screens()) {
      await screen.open(page);
      expect(await unnamedControls(page), screen.name).toEqual([]);
    }
    expect(browser.errors).toEqual([]);
    await page.close();
  });

  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    it(`renders every screen at ${width}×${height} without horizontal overflow`, { timeout: 120_000 }, async () => {
      const page = await browser.page();
      await page.setViewportSize({ width, height });
      for (const screen of screens()) {
        await screen.open(page);
        const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>(
          '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
        );
        expect(scroll, `${screen.name}: ${scroll} px wide in ${inner}`).toBeLessThanOrEqual(inner);
        if (width < 500 && screen.shot) await browser.shot(page, `phone-${screen.name}`);
      }
      expect(browser.errors).toEqual([]);
      await page.close();
    });
  }

  /** The main screens, each opened (and its form or detail shown) from any state of the page. */
  function screens(): { name: string; shot?: boolean; open: (page: Page) => Promise<void> }[] {
    const base = server.urls.console ?? '';
    const admin = (path: string, heading: string, button?: string) => async (page: Page) => {
      await page.goto(`${base}#${path}?role=coordinator&token=${encodeURIComponent(coordinatorToken)}`);
      await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
      if (button) {
        await page.getByRole('button', { name: button }).click();
        await page.locator('form.card').first().waitFor();
      }
    };
    return [
      {
        name: 'sign-in',
        shot: true,
        open: async (page) => {
          await page.goto(base);
          await page.evaluate('sessionStorage.clear()');
          await page.reload();
          await page.getByRole('button', { name: 'Sign in' }).waitFor();
        },
      },
      {
        name: 'explorer',
        shot: true,
        open: async (page) => {
          await openCountries(page, `${base}#/explore?token=${encodeURIComponent(token)}`);
          await page.getByTestId('results').locator('tbody tr').first().waitFor();
        },
      },
      {
        name: 'record-detail',
        shot: true,
        open: async (page) => {
          await openCountries(page, `${base}#/explore?token=${encodeURIComponent(token)}`);
          await page.getByTestId('results').locator('tbody tr').first().getByRole('button').click();
          await page.getByTestId('record-detail').locator('svg.chart polyline').waitFor();
          await page.evaluate(`document.querySelector('[data-testid="record-detail"]').scrollIntoView()`);
        },
      },
      {
        name: 'map',
        shot: true,
        open: async (page) => {
          await page.goto(`${base}#/map?token=${encodeURIComponent(token)}`);
          await expect
            .poll(() => page.getByTestId('map-status').textContent(), { timeout: 40_000 })
            .toMatch(/^\d+ of \d+ records have a location$/);
        },
      },
      { name: 'users', open: admin('/users', 'Users', 'New user') },
      { name: 'entity-types', open: admin('/entity-types', 'Entity types', 'New entity type') },
      { name: 'connectors', open: admin('/connectors', 'Connectors', 'New connector') },
      { name: 'policies', shot: true, open: admin('/policies', 'Policies', 'New policy') },
    ];
  }
});

/** What has the focus (the page has no DOM types here: the script is text). */
interface Focus {
  tag: string;
  name: string;
  text: string;
  visible: boolean;
}
const FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute('name') ?? '',
    text: (el.textContent ?? '').trim(),
    visible: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
  };
})()`;

/**
 * Presses Tab until the focused element is the `tag` named `name` (its `name` attribute, or its text), checking at
 * every stop that the focus is visible (an outline of at least 2 px). Fails after 80 stops.
 */
/** Opens the explorer at `url` and picks the countries entity type. */
async function openCountries(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page
    .getByTestId('entity-types')
    .getByRole('button', { name: /countr/i })
    .first()
    .click();
}

async function tabTo(page: Page, tag: string, name: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate<Focus | null>(FOCUS);
    if (!focus) continue;
    expect(focus.visible, `focus on <${focus.tag}> ${focus.name || focus.text} is not visible`).toBe(true);
    if (focus.tag === tag && (focus.name === name || focus.text === name)) return;
  }
  throw new Error(`Tab never reached <${tag}> ${name}`);
}

interface AxNode {
  ignored: boolean;
  role?: { value?: string };
  name?: { value?: string };
  backendDOMNodeId?: number;
}
const CONTROLS = new Set(['button', 'textbox', 'combobox', 'listbox', 'checkbox', 'radio', 'spinbutton', 'link']);

/** The controls of the page without an accessible name, as Chromium's accessibility tree computes it. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const unnamed: string[] = [];
    for (const n of nodes) {
      const role = n.role?.value ?? '';
      if (n.ignored || !CONTROLS.has(role) || (n.name?.value ?? '').trim() !== '') continue;
      const { node } = (await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId ?? 0 })) as {
        node: { localName: string; attributes?: string[] };
      };
      unnamed.push(`${role} <${node.localName} ${(node.attributes ?? []).join(' ')}>`);
    }
    return unnamed;
  } finally {
    await cdp.detach();
  }
}
