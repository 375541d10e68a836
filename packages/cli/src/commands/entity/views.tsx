import type { EntityTypeDetail, EntityTypeListItem } from '@bbk/sdk';
import { Detail } from '../../ui/detail.js';
import { show } from '../../ui/format.js';
import { Table } from '../../ui/table.js';

/** The entity type list as a table. */
export function EntityTypeTable({ types, width }: { types: readonly EntityTypeListItem[]; width: number }) {
  return (
    <Table
      width={width}
      empty="No entity types."
      columns={[{ header: 'ID' }, { header: 'NAME' }, { header: 'TAGS' }, { header: 'DESCRIPTION' }]}
      rows={types.map((t) => [t.id, t.name, t.tags.join(', '), oneLine(t.description)])}
    />
  );
}

/** One entity type in full, schema included. */
export function EntityTypeView({ type, width }: { type: EntityTypeDetail; width: number }) {
  const series = Object.entries(type.timeseries).map(
    ([id, ts]) => `${id}: ${ts.value} (${ts.unit}) every ${ts.period}`,
  );
  return (
    <Detail
      title={`Entity type ${type.id}`}
      width={width}
      fields={[
        { label: 'Name', value: type.name },
        { label: 'Description', value: type.description },
        { label: 'Tags', value: type.tags.join(', ') },
        { label: 'Icon', value: type.icon },
        { label: 'Timeseries', value: series.join('\n') },
        ...indexField(type),
        { label: 'Schema', value: Object.keys(type.schema).length ? show(type.schema, true) : '' },
        { label: 'URL', value: type.url },
      ]}
    />
  );
}

/** `indexes` is a bbk extension, shown when the server reports it. */
function indexField(type: EntityTypeDetail): { label: string; value: string }[] {
  const indexes = (type as { indexes?: unknown }).indexes;
  return Array.isArray(indexes) && indexes.length ? [{ label: 'Indexes', value: indexes.join(', ') }] : [];
}

/** Descriptions may hold newlines; tables show one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
