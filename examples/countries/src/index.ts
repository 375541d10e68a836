/**
 * @bbk/example-countries: a file-based bbk connector for the 199 countries, with a webhook serving
 * live extras and the `population` timeseries from the connector-private `_population` data.
 * @example
 * const webhook = createCountriesWebhook({ secret }); await webhook.listen(8080);
 * await runCountriesConnector({ contributorUrl, token, connectorId });
 */
export { type CountriesConnectorOptions, runCountriesConnector } from './connector.js';
export { COUNTRIES_FILE, type CountryEntity, type CountrySource, loadCountries, type PopulationEntry } from './data.js';
export { COUNTRY_ENTITY_TYPE, COUNTRY_TYPE } from './entity-type.js';
export { countryRecord, populationSeries } from './records.js';
export { type CountriesWebhookOptions, countryExtras, createCountriesWebhook } from './webhook.js';
