import type { CoordinatorClient, EntityTypeDetail, EntityTypeInput } from '@bbk/sdk/browser';
import { useMemo, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { coordinatorClient } from '../../app/clients.js';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { useLoad } from '../../ui/async.js';
import { Field, FormProblems, parseJson } from '../../ui/form.js';

const FIELDS = ['slug', 'name', 'description', 'schema', 'timeseries', 'tags', 'indexes'] as const;

const SCHEMA_EXAMPLE = `{
  "type": "object",
  "properties": {
    "population": { "type": "integer", "minimum": 0 }
  }
}`;

/** Entity types: create and edit, with the JSON schema and timeseries as JSON and the server's reasons on each field. */
export function EntityTypesScreen(props: ScreenProps) {
  const api = useMemo(() => coordinatorClient(props.site, props.session), [props.site, props.session]);
  const list = useLoad(() => api.entityTypes.list(), [api]);
  const [editing, setEditing] = useState<EntityTypeDetail | 'new' | null>(null);
  const [problem, setProblem] = useState<FormErrors>(NO_ERRORS);
  const open = async (eid: string) => {
    try {
      setEditing(await api.entityTypes.get(eid));
    } catch (e) {
      setProblem(formErrors(e));
    }
  };
  const remove = async (eid: string) => {
    if (!confirm(`Delete entity type ${eid}, its connectors and their records?`)) return;
    try {
      await api.entityTypes.delete(eid);
      list.reload();
    } catch (e) {
      setProblem(formErrors(e));
    }
  };
  return (
    <section>
      <div class="title-row">
        <h1>Entity types</h1>
        <button type="button" onClick={() => setEditing('new')}>
          New entity type
        </button>
      </div>
      <FormProblems errors={list.error ?? problem} fields={[]} />
      {editing ? (
        <EntityTypeForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          current={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Slug</th>
            <th>Name</th>
            <th>Description</th>
            <th>Tags</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((t) => (
            <tr key={t.id}>
              <td>{t.id}</td>
              <td>{t.name}</td>
              <td>{t.description}</td>
              <td>{t.tags.join(', ')}</td>
              <td class="actions">
                <button type="button" class="quiet" onClick={() => open(t.id)}>
                  Edit
                </button>
                <a class="button quiet" href={`#/connectors?eid=${t.id}`}>
                  Connectors
                </a>
                <button type="button" class="danger" onClick={() => remove(t.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function EntityTypeForm(props: { api: CoordinatorClient; current: EntityTypeDetail | null; onDone: () => void }) {
  const c = props.current;
  const [v, setV] = useState({
    slug: c?.id ?? '',
    name: c?.name ?? '',
    description: c?.description ?? '',
    schema: c ? JSON.stringify(c.schema, null, 2) : SCHEMA_EXAMPLE,
    timeseries: c ? JSON.stringify(c.timeseries, null, 2) : '{}',
    tags: c?.tags.join(', ') ?? '',
  });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const set = (k: keyof typeof v) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    setV({ ...v, [k]: e.currentTarget.value });

  const submit = async (e: Event) => {
    e.preventDefault();
    const schema = parseJson(v.schema);
    const timeseries = parseJson(v.timeseries);
    const local: Record<string, string[]> = {};
    if (!schema.ok) local.schema = [schema.reason];
    if (!timeseries.ok) local.timeseries = [timeseries.reason];
    if (!schema.ok || !timeseries.ok) return setErrors({ fields: local, message: null });
    const input = {
      name: v.name,
      description: v.description,
      schema: schema.value ?? {},
      timeseries: timeseries.value ?? {},
      tags: v.tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    } as EntityTypeInput;
    try {
      if (c) await props.api.entityTypes.update(c.id, input);
      else await props.api.entityTypes.create(v.slug, input);
      props.onDone();
    } catch (error) {
      setErrors(formErrors(error));
    }
  };
  return (
    <form class="card" onSubmit={submit} data-testid="entity-type-form">
      <h2>{c ? `Edit ${c.id}` : 'New entity type'}</h2>
      <div class="grid2">
        <Field label="Slug" name="slug" errors={errors} hint="3–32: a-z, 0-9, -">
          <input name="slug" value={v.slug} onInput={set('slug')} disabled={c !== null} />
        </Field>
        <Field label="Name" name="name" errors={errors}>
          <input name="name" value={v.name} onInput={set('name')} />
        </Field>
      </div>
      <Field label="Description" name="description" errors={errors}>
        <input name="description" value={v.description} onInput={set('description')} />
      </Field>
      <Field label="Tags" name="tags" errors={errors} hint="comma-separated">
        <input name="tags" value={v.tags} onInput={set('tags')} />
      </Field>
      <div class="grid2">
        <Field label="JSON schema of the records' entity" name="schema" errors={errors}>
          <textarea name="schema" rows={10} class="code" value={v.schema} onInput={set('schema')} />
        </Field>
        <Field
          label="Timeseries"
          name="timeseries"
          errors={errors}
          hint='e.g. { "population": { "period": "P1Y", "value": "people", "unit": "x1" } }'
        >
          <textarea name="timeseries" rows={10} class="code" value={v.timeseries} onInput={set('timeseries')} />
        </Field>
      </div>
      <FormProblems errors={errors} fields={FIELDS} />
      <div class="row">
        <button type="submit">{c ? 'Save' : 'Create'}</button>
        <button type="button" class="quiet" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
