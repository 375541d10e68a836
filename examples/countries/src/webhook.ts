import { createWebhook, type EntityExtras, type Webhook } from '@bbk/connector-kit';
import { type CountrySource, loadCountries } from './data.js';
import { COUNTRY_TYPE } from './entity-type.js';
import { populationSeries } from './records.js';

/** Options of `createCountriesWebhook`. */
export interface CountriesWebhookOptions {
  /** The connector's `webhook_secret`: calls without a valid bbk signature get 401. */
  secret?: string;
  /** Countries to serve. Default the bundled data set. */
  countries?: CountrySource[];
  /** Clock, for the `retrieved` stamp. Default Date.now. */
  now?: () => number;
  /** Route prefix, when the registered webhook URL has a path. */
  basePath?: string;
}

/**
 * The live part of a country's detail: the latest population figure (entity) and its Wikidata page
 * and retrieval time (instance), drawn from the private `_population` and `_wikidata` keys.
 * @example countryExtras(gb, Date.now()) // { entity: { population_latest: { year: 2019, value: 66834405 } }, instance: { wikidata: '…/Q145', retrieved: '…' } }
 */
export function countryExtras(country: CountrySource, now: number): EntityExtras {
  const latest = country._population.reduce<{ from?: number; value: number } | undefined>(
    (best, entry) => (entry.from !== undefined && (best?.from === undefined || entry.from > best.from) ? entry : best),
    undefined,
  );
  return {
    entity: latest?.from === undefined ? {} : { population_latest: { year: latest.from, value: latest.value } },
    instance: {
      wikidata: `https://www.wikidata.org/wiki/${country._wikidata}`,
      retrieved: new Date(now).toISOString(),
    },
  };
}

/**
 * The countries connector's webhook: `GET /entity/country/{code}` gives the live extras,
 * `GET /timeseries/country/{code}/population` the yearly population (the kit orders, windows and limits it).
 * @example const webhook = createCountriesWebhook({ secret }); const url = await webhook.listen(0);
 */
export function createCountriesWebhook(options: CountriesWebhookOptions = {}): Webhook {
  const byId = new Map((options.countries ?? loadCountries()).map((country) => [country.id, country]));
  const now = options.now ?? Date.now;
  const find = (type: string, id: string) => (type === COUNTRY_TYPE ? byId.get(id) : undefined);
  return createWebhook(
    {
      entity(type, id) {
        const country = find(type, id);
        return country && countryExtras(country, now());
      },
      timeseries(type, id, tsid) {
        const country = find(type, id);
        return country && tsid === 'population' ? populationSeries(country) : undefined;
      },
    },
    {
      ...(options.secret ? { secret: options.secret } : {}),
      ...(options.basePath ? { basePath: options.basePath } : {}),
      now,
    },
  );
}
