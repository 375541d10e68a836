import type { CoordinatorClient, PolicyDetail, PolicyPreview } from '@bbk/sdk/browser';
import { useEffect, useState } from 'preact/hooks';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { Field, FormProblems } from '../../ui/form.js';
import { type Draft, draftOf, inputOf, SEGMENT } from './draft.js';
import { PreviewPanel } from './preview.js';

const FIELDS = ['slug', 'name', 'description', 'tags', 'policy'] as const;

/**
 * Edits a policy; while it is edited, the server's preview (`POST /policy/:pid/preview`) shows what a
 * consumer of it would see and, for a stored policy, which records the change adds or removes.
 */
export function PolicyEditor(props: { api: CoordinatorClient; current: PolicyDetail | null; onDone: () => void }) {
  const c = props.current;
  const [d, setD] = useState<Draft>(() => draftOf(c));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const set = (k: keyof Draft) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement }) =>
    setD({ ...d, [k]: e.currentTarget.value });

  const preview = usePreview(props.api, d, setErrors);

  const submit = async (e: Event) => {
    e.preventDefault();
    const built = inputOf(d);
    if (!built.ok) return setErrors({ fields: built.fields, message: null });
    try {
      if (c) await props.api.policies.update(c.id, built.input);
      else await props.api.policies.create(d.slug, built.input);
      props.onDone();
    } catch (error) {
      setErrors(formErrors(error));
    }
  };

  return (
    <div class="editor">
      <form class="card" onSubmit={submit} data-testid="policy-form">
        <h2>{c ? `Edit ${c.id}` : 'New policy'}</h2>
        <div class="grid2">
          <Field label="Slug" name="slug" errors={errors}>
            <input name="slug" value={d.slug} onInput={set('slug')} disabled={c !== null} />
          </Field>
          <Field label="Name" name="name" errors={errors}>
            <input name="name" value={d.name} onInput={set('name')} />
          </Field>
        </div>
        <Field label="Description" name="description" errors={errors}>
          <input name="description" value={d.description} onInput={set('description')} />
        </Field>
        <Field label="Tags" name="tags" errors={errors} hint="comma-separated">
          <input name="tags" value={d.tags} onInput={set('tags')} />
        </Field>
        <Field label="Data segment (catalog query)" name={SEGMENT} errors={errors}>
          <textarea name="segment" rows={6} class="code" value={d.segment} onInput={set('segment')} />
        </Field>
        <Field
          label="Field masks"
          name="policy.data_segment.field_masks"
          errors={errors}
          hint="one per line: type.entity.field, type.instance.field"
        >
          <textarea name="masks" rows={3} class="code" value={d.masks} onInput={set('masks')} />
        </Field>
        <Field
          label="Legal context"
          name="policy.legal_context"
          errors={errors}
          hint='[{ "type": "license", "text": "…", "link": null }]'
        >
          <textarea name="legal" rows={4} class="code" value={d.legal} onInput={set('legal')} />
        </Field>
        <AccessControlFields d={d} setD={setD} errors={errors} />
        <FormProblems errors={errors} fields={FIELDS} />
        <div class="row">
          <button type="submit">{c ? 'Save' : 'Create'}</button>
          <button type="button" class="quiet" onClick={props.onDone}>
            Cancel
          </button>
        </div>
      </form>
      <PreviewPanel preview={preview} editing={c !== null} />
    </div>
  );
}

/** The server's preview of the draft, a moment after typing stops; the last answer wins. */
function usePreview(api: CoordinatorClient, d: Draft, setErrors: (e: FormErrors) => void): PolicyPreview | null {
  const [preview, setPreview] = useState<PolicyPreview | null>(null);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(async () => {
      const built = inputOf(d);
      if (!built.ok) return setErrors({ fields: built.fields, message: null });
      try {
        const p = await api.policies.preview(d.slug.trim() || 'new-policy', built.input);
        if (live) {
          setPreview(p);
          setErrors(NO_ERRORS);
        }
      } catch (e) {
        if (live) setErrors(formErrors(e));
      }
    }, 350);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [d, api]);
  return preview;
}

function AccessControlFields(props: { d: Draft; setD: (d: Draft) => void; errors: FormErrors }) {
  const { d, setD, errors } = props;
  return (
    <Field label="Access control" name="policy.access_control" errors={errors}>
      <div class="row">
        <label>
          <input
            type="checkbox"
            name="limited"
            checked={d.limited}
            onChange={(e) => setD({ ...d, limited: e.currentTarget.checked })}
          />{' '}
          limits
        </label>
        <input
          name="rate"
          aria-label="Rate: calls a second"
          placeholder="calls a second"
          value={d.rate}
          disabled={!d.limited}
          onInput={(e) => setD({ ...d, rate: e.currentTarget.value })}
        />
        <input
          name="quota"
          aria-label="Quota: calls an interval"
          placeholder="quota"
          value={d.quota}
          disabled={!d.limited}
          onInput={(e) => setD({ ...d, quota: e.currentTarget.value })}
        />
        <select
          name="interval"
          aria-label="Quota interval"
          value={d.interval}
          disabled={!d.limited}
          onChange={(e) => setD({ ...d, interval: e.currentTarget.value as Draft['interval'] })}
        >
          <option value="day">a day</option>
          <option value="month">a month</option>
        </select>
      </div>
    </Field>
  );
}
