import type { Webhook } from '@bbk/connector-kit';
import {
  COUNTRY_ENTITY_TYPE,
  COUNTRY_TYPE,
  createCountriesWebhook,
  runCountriesConnector,
} from '@bbk/example-countries';
import { HERITAGE_ENTITY_TYPE, HERITAGE_TYPE, runHeritageConnector } from '@bbk/example-heritage-sites';
import { BbkApiError, type ConnectorInput, ConsumerClient, CoordinatorClient, type EntityTypeInput } from '@bbk/sdk';
import { DEMO_POLICIES, DEMO_USERS } from './catalog.js';

/** Where the demo server listens and how to administer it. */
export interface DemoTarget {
  urls: { coordinator: string; contributor: string; consumer: string };
  coordinatorToken: string;
  /** Reports each step (human output only). */
  step?: (text: string) => void;
}

/** A connector the demo created and ran. */
export interface DemoConnector {
  type: string;
  slug: string;
  contributionId: string;
  records: number;
}

/** A consumer token of the demo, with what it is for. */
export interface DemoConsumer {
  user: { id: number; name: string; email: string };
  policy: { id: string; name: string; description: string };
  token: string;
  /** A record visible through the policy, for the sample queries. */
  sample: { type: string; id: string; name: string } | null;
}

/** What the demo set up. */
export interface DemoSetup {
  webhook: Webhook;
  connectors: DemoConnector[];
  consumers: DemoConsumer[];
}

/**
 * Fills a fresh (or re-used) bbk server with the demo through the SDK: the `country` and `heritage-site`
 * entity types, three live connectors run in-process (the countries webhook hosted on a free port), the
 * demo policies, and consumer users with their accesses. Demo objects left by an earlier run are replaced.
 * The returned webhook must be closed by the caller.
 */
export async function setUpDemo(target: DemoTarget): Promise<DemoSetup> {
  const step = target.step ?? (() => {});
  const coordinator = new CoordinatorClient({ baseUrl: target.urls.coordinator, token: target.coordinatorToken });
  let webhook: Webhook | undefined;
  try {
    step('entity types');
    await replaceEntityType(coordinator, COUNTRY_TYPE, COUNTRY_ENTITY_TYPE);
    await replaceEntityType(coordinator, HERITAGE_TYPE, HERITAGE_ENTITY_TYPE);

    step('countries connector and its webhook');
    const countryInput: ConnectorInput = {
      name: 'Countries',
      description: 'The 199 countries (example connector, stream session)',
    };
    // The webhook verifies calls with the secret that only connector creation returns: create, start, then register it.
    const countries = await coordinator.connectors.create(COUNTRY_TYPE, 'countries', {
      ...countryInput,
      webhook: 'http://127.0.0.1:9/starting',
    });
    const countriesWebhook = createCountriesWebhook(
      countries.webhook_secret ? { secret: countries.webhook_secret } : {},
    );
    webhook = countriesWebhook;
    await coordinator.connectors.update(COUNTRY_TYPE, 'countries', {
      ...countryInput,
      webhook: await countriesWebhook.listen(0),
    });
    const contributorUrl = target.urls.contributor;
    const sent = await runCountriesConnector({ contributorUrl, token: countries.token, connectorId: countries.id });
    await coordinator.connectors.promote(COUNTRY_TYPE, 'countries');
    const connectors: DemoConnector[] = [
      { type: COUNTRY_TYPE, slug: 'countries', contributionId: countries.id, records: sent.sent },
    ];

    for (const category of ['cultural', 'natural'] as const) {
      const slug = `unesco-${category}`;
      step(`${slug} connector`);
      const created = await coordinator.connectors.create(HERITAGE_TYPE, slug, {
        name: `UNESCO ${category} sites`,
        description: `The ${category} World Heritage Sites (example connector, replace session)`,
      });
      const result = await runHeritageConnector({
        contributorUrl,
        token: created.token,
        connectorId: created.id,
        category,
        countryConnectorId: countries.id,
      });
      await coordinator.connectors.promote(HERITAGE_TYPE, slug);
      connectors.push({ type: HERITAGE_TYPE, slug, contributionId: created.id, records: result.sent });
    }

    step('policies, users and accesses');
    for (const [pid, input] of Object.entries(DEMO_POLICIES)) {
      await ignoreNotFound(coordinator.policies.delete(pid));
      await coordinator.policies.create(pid, input);
    }
    const consumers: DemoConsumer[] = [];
    for (const { user, policies } of DEMO_USERS) {
      await ignoreNotFound(coordinator.users.getByEmail(user.email).then((old) => coordinator.users.delete(old.id)));
      const { id } = await coordinator.users.create(user);
      for (const pid of policies) {
        const token = await coordinator.accesses.grant(id, pid);
        const policy = DEMO_POLICIES[pid];
        consumers.push({
          user: { id, name: user.name, email: user.email },
          policy: { id: pid, name: policy?.name ?? pid, description: policy?.description ?? '' },
          token,
          sample: await sampleRecord(target.urls.consumer, token),
        });
      }
    }
    return { webhook: countriesWebhook, connectors, consumers };
  } catch (error) {
    await webhook?.close();
    throw error;
  } finally {
    await coordinator.close();
  }
}

/** Creates an entity type, deleting an earlier one of the same id (and its connectors and records) first. */
async function replaceEntityType(coordinator: CoordinatorClient, eid: string, input: EntityTypeInput): Promise<void> {
  await ignoreNotFound(coordinator.entityTypes.delete(eid));
  await coordinator.entityTypes.create(eid, input);
}

async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof BbkApiError && error.status === 404)) throw error;
  }
}

/** The first record the token can see, preferring a country (which has a timeseries). */
async function sampleRecord(consumerUrl: string, token: string): Promise<DemoConsumer['sample']> {
  const consumer = new ConsumerClient({ baseUrl: consumerUrl, token });
  try {
    for (const type of [COUNTRY_TYPE, HERITAGE_TYPE]) {
      const [first] = await consumer.entities(type, { limit: 1 });
      if (first) return { type, id: first.id, name: first.name };
    }
    return null;
  } finally {
    await consumer.close();
  }
}
