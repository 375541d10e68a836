import type { ConnectorCreated, ConnectorDetail, ConnectorHealth } from '@bbk/sdk';
import { Detail } from '../../ui/detail.js';
import { Notice, Secret, Stack } from '../../ui/notice.js';
import { Table } from '../../ui/table.js';

/** A connector list row: the list items plus their entity type (for lists across types). */
export interface ConnectorRow {
  entity: string;
  id: string;
  name: string;
  description: string;
  expires?: string | null;
  last_used?: string | null;
}

/** Connectors as a table, with their token's expiry and last use (empty when never). */
export function ConnectorTable({ connectors, width }: { connectors: readonly ConnectorRow[]; width: number }) {
  return (
    <Table
      width={width}
      empty="No connectors."
      columns={[
        { header: 'ENTITY', keep: true },
        { header: 'ID' },
        { header: 'NAME' },
        { header: 'EXPIRES' },
        { header: 'LAST USED' },
        { header: 'DESCRIPTION' },
      ]}
      rows={connectors.map((c) => [
        c.entity,
        c.id,
        c.name,
        c.expires ?? '',
        c.last_used ?? '',
        c.description.replace(/\s+/g, ' '),
      ])}
    />
  );
}

/** One connector in full. */
export function ConnectorView({ connector, width }: { connector: ConnectorDetail; width: number }) {
  return (
    <Detail
      title={`Connector ${connector.entity.id}/${connector.id}`}
      width={width}
      fields={[
        { label: 'Name', value: connector.name },
        { label: 'Description', value: connector.description },
        { label: 'Contribution id', value: connector.contribution_id },
        { label: 'Live', value: connector.is_live ? 'yes' : 'no (staged)' },
        { label: 'In session', value: connector.in_session ? 'yes' : 'no' },
        { label: 'Webhook', value: connector.webhook ?? '' },
        { label: 'Cache', value: connector.cache ? `${connector.cache} s` : 'none' },
        { label: 'Token expires', value: connector.expires ?? 'never' },
        { label: 'Token last used', value: connector.last_used ?? 'never' },
        { label: 'URL', value: connector.url },
      ]}
    />
  );
}

/** Webhook call figures of a connector. */
export function HealthView({ health, width }: { health: ConnectorHealth; width: number }) {
  return (
    <Detail
      title={`Webhook health of ${health.id}`}
      width={width}
      fields={[
        { label: 'Webhook', value: health.webhook ?? '' },
        { label: 'Calls', value: String(health.calls) },
        { label: 'Failures', value: `${health.failures} (${health.timeouts} timeouts)` },
        {
          label: 'Latency',
          value: `${Math.round(health.latency_ms_avg)} ms average${health.latency_ms_last === null ? '' : `, ${health.latency_ms_last} ms last`}`,
        },
        { label: 'Last call', value: health.last_call ?? '' },
        { label: 'Last success', value: health.last_success ?? '' },
        {
          label: 'Last failure',
          value: health.last_failure ? `${health.last_failure}: ${health.last_error ?? ''}` : '',
        },
      ]}
    />
  );
}

/** What `connector add` shows: the contribution id and the secrets, once. */
export function ConnectorCreatedView(props: { eid: string; cid: string; created: ConnectorCreated; width: number }) {
  const { eid, cid, created, width } = props;
  return (
    <Stack>
      <Detail
        title={`Connector ${eid}/${cid} created (staged: promote it with "bbk connector live ${eid} ${cid}")`}
        width={width}
        fields={[{ label: 'Contribution id', value: created.id }]}
      />
      <Secret label="Contributor token" value={created.token} />
      {created.webhook_secret ? <Secret label="Webhook signing secret" value={created.webhook_secret} /> : null}
    </Stack>
  );
}

/** A contributor token just reissued, shown once. */
export function TokenReissuedView({ message, token }: { message: string; token: string }) {
  return (
    <Stack>
      <Notice kind="success">{message}</Notice>
      <Secret label="Contributor token" value={token} />
    </Stack>
  );
}
