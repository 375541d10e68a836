import type { PolicyDetail, PolicyInput } from '@bbk/sdk/browser';
import { parseJson } from '../../ui/form.js';

/** The policy form as typed: text, so nothing typed is lost on an error. */
export interface Draft {
  slug: string;
  name: string;
  description: string;
  tags: string;
  segment: string;
  masks: string;
  legal: string;
  limited: boolean;
  rate: string;
  quota: string;
  interval: 'day' | 'month';
}

export const SEGMENT = 'policy.data_segment.segment_query';

/** A draft of a stored policy, or of a new one. */
export function draftOf(p: PolicyDetail | null): Draft {
  const ac = p?.policy.access_control;
  return {
    slug: p?.id ?? '',
    name: p?.name ?? '',
    description: p?.description ?? '',
    tags: p?.tags.join(', ') ?? '',
    segment: JSON.stringify(p?.policy.data_segment.segment_query ?? { type: 'country' }, null, 2),
    masks: (p?.policy.data_segment.field_masks ?? []).join('\n'),
    legal: JSON.stringify(p?.policy.legal_context ?? [], null, 2),
    limited: ac?.enabled ?? false,
    rate: ac?.rate === undefined ? '' : String(ac.rate),
    quota: ac?.quota ? String(ac.quota.max_number) : '',
    interval: ac?.quota?.interval_type ?? 'day',
  };
}

/** The request body of a draft, or the fields whose JSON does not parse (a syntax check, no rule of the server). */
export function inputOf(d: Draft): { ok: true; input: PolicyInput } | { ok: false; fields: Record<string, string[]> } {
  const segment = parseJson(d.segment);
  const legal = parseJson(d.legal);
  const fields: Record<string, string[]> = {};
  if (!segment.ok) fields[SEGMENT] = [segment.reason];
  if (!legal.ok) fields['policy.legal_context'] = [legal.reason];
  if (!segment.ok || !legal.ok) return { ok: false, fields };
  const number = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const rate = number(d.rate);
  const quota = number(d.quota);
  const input = {
    name: d.name,
    description: d.description,
    tags: d.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    policy: {
      access_control: {
        enabled: d.limited,
        ...(d.limited && rate !== undefined ? { rate } : {}),
        ...(d.limited && quota !== undefined ? { quota: { max_number: quota, interval_type: d.interval } } : {}),
      },
      data_segment: {
        segment_query: segment.value ?? {},
        field_masks: d.masks
          .split('\n')
          .map((m) => m.trim())
          .filter(Boolean),
      },
      legal_context: legal.value ?? [],
    },
  } as PolicyInput;
  return { ok: true, input };
}
