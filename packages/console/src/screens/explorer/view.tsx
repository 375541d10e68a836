import type { CatalogItem, ConsumerEntityType, Query } from '@bbk/sdk/browser';
import { useMemo, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { consumerClient } from '../../app/clients.js';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { go, route } from '../../app/router.js';
import { type Loaded, useLoad } from '../../ui/async.js';
import { Field, FormProblems, parseJson } from '../../ui/form.js';
import { RecordDetail } from './detail.js';
import { exampleQueries } from './snippets.js';
import { Snippets } from './snippets-view.js';

/** The catalog query's error name (the original's, kept by the spec). */
const Q = 'policy.data_segment.segment_query';
const PAGE = 20;

/** The data explorer: visible entity types, a query editor, paged results, record detail and snippets. */
export function ExplorerScreen(props: ScreenProps) {
  const api = useMemo(() => consumerClient(props.site, props.session), [props.site, props.session]);
  const types = useLoad(() => api.entityTypes(), [api]);
  const params = route.value.params;
  const [text, setText] = useState(params.get('q') ?? '');
  const [offset, setOffset] = useState(0);
  const [ran, setRan] = useState<{ query: string; offset: number; items: CatalogItem[] } | null>(null);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [open, setOpen] = useState<CatalogItem | null>(null);

  const run = async (query: string, at: number) => {
    const parsed = parseJson(query);
    if (!parsed.ok) return setErrors({ fields: { [Q]: [parsed.reason] }, message: null });
    try {
      const items = await api.catalog((parsed.value ?? {}) as Query, { limit: PAGE, offset: at });
      setErrors(NO_ERRORS);
      setRan({ query, offset: at, items });
      setOffset(at);
    } catch (e) {
      setErrors(formErrors(e));
    }
  };
  const examples = exampleQueries((types.data ?? []).map((t) => t.id));

  return (
    <section class="explorer">
      <TypesPanel
        types={types}
        onPick={(q) => {
          setText(q);
          run(q, 0);
        }}
      />
      <div class="main">
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            go('/explore', { q: text });
            run(text, 0);
          }}
        >
          <Field
            label="Catalog query"
            name={Q}
            errors={errors}
            hint="JSON, e.g. {&quot;type&quot;: &quot;country&quot;}"
          >
            <textarea name="query" rows={4} class="code" value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </Field>
          <div class="row">
            <button type="submit">Run</button>
            <span class="muted">Examples:</span>
            {examples.map((x) => (
              <button key={x.label} type="button" class="chip" onClick={() => setText(x.query)}>
                {x.label}
              </button>
            ))}
          </div>
          <FormProblems errors={errors} fields={[Q]} />
        </form>
        {ran ? (
          <Results items={ran.items} offset={offset} onPage={(at) => run(ran.query, at)} onOpen={setOpen} open={open} />
        ) : null}
        {ran ? (
          <Snippets query={ran.query} page={{ limit: PAGE, offset }} site={props.site} session={props.session} />
        ) : null}
      </div>
      {open ? <RecordDetail api={api} type={open.type} id={open.id} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

function TypesPanel(props: { types: Loaded<ConsumerEntityType[]>; onPick: (query: string) => void }) {
  return (
    <div class="side">
      <h2>Entity types</h2>
      <FormProblems errors={props.types.error ?? NO_ERRORS} fields={[]} />
      <ul class="types" data-testid="entity-types">
        {(props.types.data ?? []).map((t) => (
          <li key={t.id}>
            <button type="button" class="link" onClick={() => props.onPick(JSON.stringify({ type: t.id }))}>
              {t.name}
            </button>
            <span class="muted"> {t.description}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Results(props: {
  items: CatalogItem[];
  offset: number;
  open: CatalogItem | null;
  onPage: (offset: number) => void;
  onOpen: (item: CatalogItem) => void;
}) {
  const { items, offset } = props;
  return (
    <div class="card" data-testid="results">
      <div class="title-row">
        <h2>Results {items.length ? `${offset + 1}–${offset + items.length}` : '(none)'}</h2>
        <div class="row">
          <button
            type="button"
            class="quiet"
            disabled={offset === 0}
            onClick={() => props.onPage(Math.max(0, offset - PAGE))}
          >
            Previous
          </button>
          <button
            type="button"
            class="quiet"
            disabled={items.length < PAGE}
            onClick={() => props.onPage(offset + PAGE)}
          >
            Next
          </button>
        </div>
      </div>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Id</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} class={props.open?.id === r.id ? 'selected' : ''}>
              <td>
                <button type="button" class="link" onClick={() => props.onOpen(r)}>
                  {r.name}
                </button>
              </td>
              <td>{r.type}</td>
              <td>
                <code>{r.id.slice(0, 12)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
