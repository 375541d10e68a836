import type { Session } from '../../app/session.js';

/** The same query as a `curl` command, a `bbk` command and SDK code, to copy. */
export interface Snippets {
  curl: string;
  bbk: string;
  sdk: string;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The snippets of a catalog query. The token is never written out: the commands read `$BBK_TOKEN`.
 * @example snippets('{"type":"country"}', { limit: 20, offset: 0 }, consumerUrl, session).curl
 */
export function snippets(
  query: string,
  page: { limit: number; offset: number },
  consumerUrl: string,
  s: Session,
): Snippets {
  const compact = JSON.stringify(JSON.parse(query));
  const paging = `limit=${page.limit}&offset=${page.offset}`;
  const header = s.policy ? `-H ${quote(`x-bbk-audience: ${s.policy}`)}` : `-H "x-bbk-auth-token: $BBK_TOKEN"`;
  const who = s.policy ? `--audience ${s.policy}` : '--token "$BBK_TOKEN"';
  const client = s.policy
    ? `new ConsumerClient({ baseUrl: ${JSON.stringify(consumerUrl)}, audience: ${JSON.stringify(s.policy)} })`
    : `new ConsumerClient({ baseUrl: ${JSON.stringify(consumerUrl)}, token: process.env.BBK_TOKEN })`;
  return {
    curl: `curl -s ${header} ${quote(`${consumerUrl}/catalog?q=${encodeURIComponent(compact)}&${paging}`)}`,
    bbk: `bbk catalog query ${quote(compact)} --limit ${page.limit} --offset ${page.offset} --consumer-url ${consumerUrl} ${who}`,
    sdk: [
      `import { ConsumerClient } from '@bbk/sdk';`,
      `const consumer = ${client};`,
      `const items = await consumer.catalog(${compact}, { limit: ${page.limit}, offset: ${page.offset} });`,
    ].join('\n'),
  };
}

/** Example queries of the catalog language, for the entity types the policy shows. */
export function exampleQueries(types: readonly string[]): { label: string; query: string }[] {
  const first = types[0] ?? 'country';
  return [
    { label: `all of ${first}`, query: JSON.stringify({ type: first }) },
    { label: 'name starts with A', query: JSON.stringify({ type: first, name: { $regex: '^A' } }) },
    {
      label: 'one of several types',
      query: JSON.stringify({ type: { $in: types.length > 1 ? types.slice(0, 3) : [first] } }),
    },
    {
      label: 'either condition',
      query: JSON.stringify({ $or: [{ name: { $regex: 'land$', $options: 'i' } }, { name: { $regex: '^S' } }] }),
    },
  ];
}
