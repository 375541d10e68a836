import type { ConnectorCreated, ConnectorDetail, CoordinatorClient } from '@bbk/sdk/browser';
import { useState } from 'preact/hooks';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { Field, FormProblems } from '../../ui/form.js';

const FIELDS = ['slug', 'name', 'description', 'webhook', 'cache'] as const;

/** Creates or edits a connector; a created one hands its token (and webhook secret) to the screen, shown once. */
export function ConnectorForm(props: {
  api: CoordinatorClient;
  eid: string;
  current: ConnectorDetail | null;
  onDone: (created?: ConnectorCreated) => void;
}) {
  const c = props.current;
  const [v, setV] = useState({
    slug: c?.id ?? '',
    name: c?.name ?? '',
    description: c?.description ?? '',
    webhook: c?.webhook ?? '',
    cache: String(c?.cache ?? 0),
  });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const set = (k: keyof typeof v) => (e: { currentTarget: HTMLInputElement }) =>
    setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (e: Event) => {
    e.preventDefault();
    const cache = v.cache.trim() === '' ? 0 : Number(v.cache);
    const input = { name: v.name, description: v.description, webhook: v.webhook.trim() || null, cache };
    try {
      if (c) {
        await props.api.connectors.update(props.eid, c.id, input);
        props.onDone();
      } else props.onDone(await props.api.connectors.create(props.eid, v.slug, input));
    } catch (error) {
      setErrors(formErrors(error));
    }
  };
  return (
    <form class="card" onSubmit={submit} data-testid="connector-form">
      <h2>{c ? `Edit ${c.id}` : `New connector of ${props.eid}`}</h2>
      <div class="grid2">
        <Field label="Slug" name="slug" errors={errors}>
          <input name="slug" value={v.slug} onInput={set('slug')} disabled={c !== null} />
        </Field>
        <Field label="Name" name="name" errors={errors}>
          <input name="name" value={v.name} onInput={set('name')} />
        </Field>
      </div>
      <Field label="Description" name="description" errors={errors}>
        <input name="description" value={v.description} onInput={set('description')} />
      </Field>
      <div class="grid2">
        <Field label="Webhook" name="webhook" errors={errors} hint="needed when the entity type has timeseries">
          <input name="webhook" value={v.webhook} onInput={set('webhook')} placeholder="https://…" />
        </Field>
        <Field label="Cache (seconds)" name="cache" errors={errors}>
          <input name="cache" value={v.cache} onInput={set('cache')} inputMode="numeric" />
        </Field>
      </div>
      <FormProblems errors={errors} fields={FIELDS} />
      <div class="row">
        <button type="submit">{c ? 'Save' : 'Create'}</button>
        <button type="button" class="quiet" onClick={() => props.onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
