import { describe, expect, it } from 'vitest';
import { exampleQueries, snippets } from './snippets.js';

describe('snippets', () => {
  const url = 'http://localhost:8003/v1';

  it('writes the query as curl, bbk and SDK code, the token left as $BBK_TOKEN', () => {
    const s = snippets('{ "type": "country" }', { limit: 20, offset: 40 }, url, {
      role: 'consumer',
      token: 'consumer.k.s',
    });
    expect(s.curl).toBe(
      `curl -s -H "x-bbk-auth-token: $BBK_TOKEN" 'http://localhost:8003/v1/catalog?q=%7B%22type%22%3A%22country%22%7D&limit=20&offset=40'`,
    );
    expect(s.bbk).toBe(
      `bbk catalog query '{"type":"country"}' --limit 20 --offset 40 --consumer-url ${url} --token "$BBK_TOKEN"`,
    );
    expect(s.sdk).toContain('await consumer.catalog({"type":"country"}, { limit: 20, offset: 40 })');
    for (const text of Object.values(s)) expect(text).not.toContain('consumer.k.s');
  });

  it('names the policy in development mode, and quotes single quotes for the shell', () => {
    const s = snippets(`{"name":"Cote d'Ivoire"}`, { limit: 10, offset: 0 }, url, { role: 'consumer', policy: 'open' });
    expect(s.curl).toContain(`-H 'x-bbk-audience: open'`);
    expect(s.bbk).toContain(`'{"name":"Cote d'\\''Ivoire"}'`);
    expect(s.bbk).toContain('--audience open');
  });

  it('offers example queries for the visible types', () => {
    const examples = exampleQueries(['country', 'heritage-site']);
    expect(examples[0]).toEqual({ label: 'all of country', query: '{"type":"country"}' });
    for (const e of examples) expect(() => JSON.parse(e.query)).not.toThrow();
  });
});
