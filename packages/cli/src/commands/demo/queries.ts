import type { DemoConsumer } from './setup.js';

/** One ready-to-paste query, as a `bbk` command and as `curl`. */
export interface DemoQuery {
  what: string;
  bbk: string;
  curl: string;
}

/**
 * Sample queries for a consumer token: the types it sees, a catalog query, a record, and (for a country)
 * its population timeseries. With `profile`, the `bbk` commands name the saved profile instead of URL and token.
 * @example demoQueries(consumer, 'http://127.0.0.1:8003/v1')[0].curl
 */
export function demoQueries(consumer: DemoConsumer, consumerUrl: string, profile?: string): DemoQuery[] {
  // With a saved profile the URL and token come from it.
  const auth = profile ? `--profile ${profile}` : `--consumer-url ${consumerUrl} --token ${consumer.token}`;
  const get = (path: string) => `curl -s -H 'x-bbk-auth-token: ${consumer.token}' '${consumerUrl}${path}'`;
  const queries: DemoQuery[] = [
    { what: 'entity types you can see', bbk: `bbk catalog types ${auth}`, curl: get('/entity') },
  ];
  const sample = consumer.sample;
  if (!sample) return queries;
  const query = sample.type === 'country' ? { 'entity.continent': 'Asia' } : { 'entity.inscribed': { $gte: 2010 } };
  const json = JSON.stringify({ type: sample.type, ...query });
  queries.push(
    {
      what: `a catalog query`,
      bbk: `bbk catalog query '${json}' ${auth}`,
      curl: get(`/catalog?q=${encodeURIComponent(json)}`),
    },
    {
      what: `the record "${sample.name}"`,
      bbk: `bbk entity get ${sample.type} ${sample.id} ${auth}`,
      curl: get(`/entity/${sample.type}/${sample.id}`),
    },
  );
  if (sample.type === 'country') {
    queries.push({
      what: `the population of ${sample.name}, latest 5 years`,
      bbk: `bbk timeseries get country ${sample.id} population --limit 5 ${auth}`,
      curl: get(`/entity/country/${sample.id}/timeseries/population?limit=5`),
    });
  }
  return queries;
}
