import { BbkApiError, BbkNetworkError } from '@bbk/sdk/browser';

/** A server error split for a form: validation items by the field they name, and the rest as text. */
export interface FormErrors {
  /** Reasons by item name (`name`, `timeseries.population.period`, with `[index]` when the item has one). */
  fields: Record<string, string[]>;
  /** What no field shows: the status of a non-400, a network failure. */
  message: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, message: null };

/**
 * Turns whatever a client call threw into form errors: the server's validation items go to the fields they
 * name (the console decides nothing itself), anything else becomes one message.
 * @example formErrors(err).fields.email // ['does not conform to the "email" format']
 */
export function formErrors(error: unknown): FormErrors {
  if (error instanceof BbkApiError) {
    if (error.items.length > 0) {
      const fields: Record<string, string[]> = {};
      for (const item of error.items) {
        const name = item.index === null ? item.name : `${item.name}[${item.index}]`;
        fields[name] = [...(fields[name] ?? []), item.reason];
      }
      return { fields, message: null };
    }
    return { fields: {}, message: describeStatus(error.status) };
  }
  if (error instanceof BbkNetworkError) return { fields: {}, message: `The server cannot be reached (${error.kind}).` };
  return { fields: {}, message: String(error) };
}

/** The reasons of a field and of every item below it (`schema` also shows `schema.properties…`). */
export function reasonsFor(errors: FormErrors, name: string): string[] {
  const out: string[] = [];
  for (const [key, reasons] of Object.entries(errors.fields)) {
    if (key === name) out.push(...reasons);
    else if (key.startsWith(`${name}.`) || key.startsWith(`${name}[`))
      out.push(...reasons.map((r) => `${key.slice(name.length).replace(/^\./, '')}: ${r}`));
  }
  return out;
}

/** Items no field of the form shows (so nothing the server said is lost). */
export function unclaimed(errors: FormErrors, names: readonly string[]): string[] {
  return Object.entries(errors.fields)
    .filter(([key]) => !names.some((n) => key === n || key.startsWith(`${n}.`) || key.startsWith(`${n}[`)))
    .flatMap(([key, reasons]) => reasons.map((r) => `${key}: ${r}`));
}

function describeStatus(status: number): string {
  switch (status) {
    case 401:
      return 'The token was refused (401): sign in again.';
    case 403:
      return 'Not allowed (403): the token was revoked, or no policy applies.';
    case 404:
      return 'Not found (404).';
    case 409:
      return 'That already exists, or is already so (409).';
    case 429:
      return 'Too many calls for this policy (429): wait a moment.';
    default:
      return `The server answered ${status}.`;
  }
}
