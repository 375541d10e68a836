import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { type FormErrors, reasonsFor, unclaimed } from '../app/errors.js';

/** A labelled form field with the server's reasons for it underneath. */
export function Field(props: {
  label: string;
  name: string;
  errors: FormErrors;
  hint?: string;
  children: ComponentChildren;
}) {
  const reasons = reasonsFor(props.errors, props.name);
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the field's child
    <label class={`field${reasons.length ? ' invalid' : ''}`}>
      <span class="label">{props.label}</span>
      {props.children}
      {props.hint ? <span class="hint">{props.hint}</span> : null}
      {reasons.map((r) => (
        <span class="reason" role="alert" data-field={props.name} key={r}>
          {r}
        </span>
      ))}
    </label>
  );
}

/** The form's message and any validation item no field claims. */
export function FormProblems(props: { errors: FormErrors; fields: readonly string[] }) {
  const rest = unclaimed(props.errors, props.fields);
  if (!props.errors.message && rest.length === 0) return null;
  return (
    <div class="problem" role="alert">
      {props.errors.message ? <p>{props.errors.message}</p> : null}
      {rest.map((r) => (
        <p key={r}>{r}</p>
      ))}
    </div>
  );
}

/** A token or secret shown once, with a copy button. */
export function ShownOnce(props: { label: string; value: string; onDone?: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="secret" data-testid="shown-once">
      <p>
        <strong>{props.label}</strong> — shown only now: copy it and keep it safe.
      </p>
      <code class="token">{props.value}</code>
      <div class="row">
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        {props.onDone ? (
          <button type="button" class="quiet" onClick={props.onDone}>
            Done
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Parses a JSON text area; the reason is shown on the field (a syntax check, not a rule of the server). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, reason: `is not valid JSON: ${(e as Error).message}` };
  }
}
