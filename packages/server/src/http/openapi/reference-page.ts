import type { OpenApiDocument, Operation, ResponseDoc } from '@bbk/sdk/protocol';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;

/** Inline code spans (`x`) of a description, escaped, as `<code>`. */
function prose(text: string | undefined): string {
  if (!text) return '';
  return e(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** A schema pretty-printed, with `$ref`s linked to their component. */
function schemaBlock(schema: unknown): string {
  const text = e(JSON.stringify(schema, null, 2));
  const linked = text.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9]+)&quot;/g,
    '&quot;<a href="#schema-$1">#/components/schemas/$1</a>&quot;',
  );
  return `<pre>${linked}</pre>`;
}

const anchor = (method: string, path: string) => `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

function parametersTable(op: Operation): string {
  if (!op.parameters?.length) return '';
  const rows = op.parameters.map(
    (p) =>
      `<tr><td><code>${e(p.name)}</code>${p.required ? ' <em>required</em>' : ''}</td><td>${e(p.in)}</td>` +
      `<td>${prose(p.description)}</td><td><code>${e(JSON.stringify(p.schema))}</code></td></tr>`,
  );
  return `<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Description</th><th>Schema</th></tr>${rows.join('')}</table>`;
}

function responseRow(status: string, r: ResponseDoc): string {
  const headers = Object.entries(r.headers ?? {})
    .map(([name, h]) => `<div><code>${e(name)}</code>: ${prose(h.description)}</div>`)
    .join('');
  const content = Object.entries(r.content ?? {})
    .map(([type, c]) => `<details><summary><code>${e(type)}</code></summary>${schemaBlock(c.schema)}</details>`)
    .join('');
  return `<tr><td><strong>${e(status)}</strong></td><td>${prose(r.description)}${headers}</td><td>${content || '<em>no body</em>'}</td></tr>`;
}

function operationSection(method: string, path: string, op: Operation): string {
  const body = op.requestBody
    ? `<h4>Request body</h4><p>${prose(op.requestBody.description)}</p>` +
      Object.entries(op.requestBody.content)
        .map(
          ([type, c]) => `<details open><summary><code>${e(type)}</code></summary>${schemaBlock(c.schema)}</details>`,
        )
        .join('')
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => responseRow(status, r))
    .join('');
  const token = op.security?.length === 0 ? ' <span class="public">no token</span>' : '';
  return (
    `<section class="op" id="${e(anchor(method, path))}"><h3><span class="m ${e(method)}">${e(method.toUpperCase())}</span> ` +
    `<code>${e(path)}</code>${token}</h3><p>${prose(op.summary)}</p>${op.description ? `<p>${prose(op.description)}</p>` : ''}` +
    `${parametersTable(op)}${body}<h4>Responses</h4><table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${responses}</table></section>`
  );
}

/** Paragraphs and `- ` list items of a description. */
function descriptionHtml(text: string): string {
  let html = '';
  let inList = false;
  for (const line of text.split('\n').filter((l) => l.trim())) {
    const item = line.startsWith('- ');
    if (item !== inList) html += item ? '<ul>' : '</ul>';
    inList = item;
    html += item ? `<li>${prose(line.slice(2))}</li>` : `<p>${prose(line)}</p>`;
  }
  return inList ? `${html}</ul>` : html;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1d232a}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f4f6f8;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.4rem 0}td,th{border:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
.op{border-top:1px solid #d8dee4;margin-top:1.5rem}.m{display:inline-block;min-width:4.2rem;color:#fff;border-radius:3px;padding:0 .4rem;text-align:center;font-size:13px}
.get{background:#1f6feb}.post{background:#2da44e}.put{background:#bf8700}.delete{background:#cf222e}.public{font-size:12px;color:#57606a}
nav>ul{columns:2}nav li{break-inside:avoid}summary{cursor:pointer}`;

/**
 * The OpenAPI document as one self-contained HTML page: operations grouped by tag, their parameters,
 * bodies and responses, and the component schemas pretty-printed. No script, no external resource;
 * every text from the document is escaped.
 */
export function renderReferencePage(doc: OpenApiDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>(doc.tags.map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) byTag.get(op.tags[0] ?? '')?.push({ method, path, op });
  const nav = [...byTag]
    .map(
      ([tag, ops]) =>
        `<li>${e(tag)}<ul>${ops.map((o) => `<li><a href="#${e(anchor(o.method, o.path))}">${e(o.method.toUpperCase())} ${e(o.path)}</a></li>`).join('')}</ul></li>`,
    )
    .join('');
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2>${e(tag)}</h2>${ops.map((o) => operationSection(o.method, o.path, o.op)).join('')}`)
    .join('');
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, s]) => `<section id="schema-${e(name)}"><h3>${e(name)}</h3>${schemaBlock(s)}</section>`)
    .join('');
  const documentPath = Object.keys(doc.paths).find((p) => p.endsWith('/openapi.json')) ?? 'openapi.json';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(doc.info.title)}</title><style>${STYLE}</style></head><body>
<h1>${e(doc.info.title)} <small>${e(doc.info.version)}</small></h1><p>OpenAPI ${e(doc.openapi)}: <a href="${e(documentPath)}">${e(documentPath)}</a></p>
${descriptionHtml(doc.info.description)}<nav><h2>Operations</h2><ul>${nav}</ul></nav>${sections}<h2>Schemas</h2>${schemas}</body></html>`;
}
