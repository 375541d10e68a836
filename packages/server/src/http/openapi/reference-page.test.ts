import { buildOpenApiDocument } from '@bbk/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReferencePage } from './reference-page.js';

describe('renderReferencePage', () => {
  it('lists every operation grouped by tag, links to the document, and loads nothing from outside', () => {
    const doc = buildOpenApiDocument({ surface: 'consumer' });
    const html = renderReferencePage(doc);
    for (const tag of doc.tags) expect(html).toContain(`<h2>${tag.name}</h2>`);
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    expect(html).toContain('<a href="/v1/openapi.json">');
    expect(html).toContain('<a href="#schema-CatalogItem">#/components/schemas/CatalogItem</a>');
    expect(html).not.toMatch(/<script|<link|src=/i);
  });

  it('escapes every text of the document', () => {
    const doc = buildOpenApiDocument({ surface: 'contributor' });
    const evil = '<img src=x onerror="alert(1)">&\'';
    doc.info.title = evil;
    doc.paths['/v1']!.get!.summary = evil;
    doc.components.schemas.Announce = { description: evil };
    const html = renderReferencePage(doc);
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(evil));
    expect(escapeHtml(evil)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
  });
});
