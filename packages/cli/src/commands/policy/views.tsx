import type { PolicyDetail, PolicyListItem } from '@bbk/sdk';
import { Detail } from '../../ui/detail.js';
import { show } from '../../ui/format.js';
import { Table } from '../../ui/table.js';

/** The policy list as a table. */
export function PolicyTable({ policies, width }: { policies: readonly PolicyListItem[]; width: number }) {
  return (
    <Table
      width={width}
      empty="No policies."
      columns={[{ header: 'ID' }, { header: 'NAME' }, { header: 'TAGS' }, { header: 'DESCRIPTION' }]}
      rows={policies.map((p) => [p.id, p.name, p.tags.join(', '), p.description.replace(/\s+/g, ' ')])}
    />
  );
}

/** A policy in full: segment, masks, limits, legal context. */
export function PolicyView({ policy, width }: { policy: PolicyDetail; width: number }) {
  const { access_control: access, data_segment: segment, legal_context: legal, ...extra } = policy.policy;
  return (
    <Detail
      title={`Policy ${policy.id}`}
      width={width}
      fields={[
        { label: 'Name', value: policy.name },
        { label: 'Description', value: policy.description },
        { label: 'Tags', value: policy.tags.join(', ') },
        { label: 'Segment query', value: show(segment?.segment_query ?? {}, true) },
        { label: 'Field masks', value: (segment?.field_masks ?? []).join(', ') },
        { label: 'Access control', value: describeAccess(access) },
        {
          label: 'Legal context',
          value: (legal ?? []).map((l) => `${l.type}: ${l.text}${l.link ? ` <${l.link}>` : ''}`).join('\n'),
        },
        ...(Object.keys(extra).length ? [{ label: 'Other', value: show(extra, true) }] : []),
        { label: 'URL', value: policy.url },
      ]}
    />
  );
}

/**
 * Access control in words.
 * @example describeAccess({ enabled: true, rate: 5 }) // 'enabled; at most 5 calls per second'
 */
export function describeAccess(access: PolicyDetail['policy']['access_control'] | undefined): string {
  if (!access) return '';
  if (!access.enabled) return 'disabled (no limits)';
  const parts = ['enabled'];
  if (access.rate !== undefined) parts.push(`at most ${access.rate} calls per second`);
  if (access.quota) parts.push(`at most ${access.quota.max_number} calls per ${access.quota.interval_type}`);
  if (parts.length === 1) parts.push('no rate or quota set');
  return parts.join('; ');
}
