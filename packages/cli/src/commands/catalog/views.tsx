import type { CatalogItem, ConsumerEntityType, EntityDetail, LegalItem } from '@bbk/sdk';
import { Box, Text } from 'ink';
import { Detail } from '../../ui/detail.js';
import { show } from '../../ui/format.js';
import { Table } from '../../ui/table.js';

/** Catalog records as a table, with the policy's legal notices underneath. */
export function CatalogTable(props: { items: readonly CatalogItem[]; width: number; more?: string }) {
  const { items, width, more } = props;
  return (
    <Box flexDirection="column">
      <Table
        width={width}
        empty="No records match."
        columns={[{ header: 'ID' }, { header: 'TYPE' }, { header: 'NAME' }]}
        rows={items.map((i) => [i.id, i.type, i.name])}
      />
      {more ? <Text dimColor>{more}</Text> : null}
      <Legal legal={items[0]?.legal ?? []} />
    </Box>
  );
}

/** Legal notices of the consumer's policy. */
export function Legal({ legal }: { legal: readonly LegalItem[] }) {
  if (legal.length === 0) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      {legal.map((l) => (
        <Text key={`${l.type}:${l.text}`} dimColor wrap="wrap">
          {l.type}: {l.text}
          {l.link ? ` <${l.link}>` : ''}
        </Text>
      ))}
    </Box>
  );
}

/** One page of catalog records (`--all` prints them as they arrive): rows only, the header on the first. */
export function CatalogRows(props: { items: readonly CatalogItem[]; width: number; header: boolean }) {
  const { items, width, header } = props;
  return (
    <Table
      width={width}
      header={header}
      empty="No records match."
      columns={[{ header: 'ID' }, { header: 'TYPE' }, { header: 'NAME' }]}
      rows={items.map((i) => [i.id, i.type, i.name])}
    />
  );
}

/** The consumer's entity types. */
export function ConsumerTypesTable(props: { types: readonly ConsumerEntityType[]; width: number; header?: boolean }) {
  const { types, width, header = true } = props;
  return (
    <Table
      width={width}
      header={header}
      empty="No entity types with visible records."
      columns={[{ header: 'ID' }, { header: 'NAME' }, { header: 'DESCRIPTION' }]}
      rows={types.map((t) => [t.id, t.name, t.description.replace(/\s+/g, ' ')])}
    />
  );
}

/** One record in full, with the policy's legal notices. */
export function EntityView({ entity, width }: { entity: EntityDetail; width: number }) {
  const series = Object.entries(entity.timeseries).map(
    ([id, ts]) => `${id}: ${ts.value} (${ts.unit}) every ${ts.period}`,
  );
  return (
    <Box flexDirection="column">
      <Detail
        title={`${entity.name} (${entity.type} ${entity.id})`}
        width={width}
        fields={[
          { label: 'Entity', value: show(entity.entity, true) },
          { label: 'Instance', value: Object.keys(entity.instance).length ? show(entity.instance, true) : '' },
          { label: 'Timeseries', value: series.join('\n') },
          { label: 'URL', value: entity.url },
        ]}
      />
      <Legal legal={entity.legal} />
    </Box>
  );
}
