import { Box, Text } from 'ink';
import { fitColumns, textWidth } from './fit.js';

/** A table column. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export interface TableProps {
  columns: readonly Column[];
  /** Cells as display text, one array per row. */
  rows: readonly (readonly string[])[];
  /** Width to fit (the terminal's). */
  width: number;
  /** Shown instead of an empty table. */
  empty?: string;
}

const GAP = 2;

/**
 * A table that fits the terminal: wide columns are cut with an ellipsis, narrow ones keep their width.
 * @example <Table columns={[{ header: 'ID' }, { header: 'NAME' }]} rows={[['1', 'Admin']]} width={80} />
 */
export function Table({ columns, rows, width, empty = 'Nothing to show.' }: TableProps) {
  if (rows.length === 0) return <Text dimColor>{empty}</Text>;
  const natural = columns.map((column, i) =>
    Math.max(textWidth(column.header), ...rows.map((row) => textWidth(row[i] ?? ''))),
  );
  const widths = fitColumns(natural, width, GAP);
  return (
    <Box flexDirection="column">
      <Row cells={columns.map((c) => c.header)} columns={columns} widths={widths} header />
      {rows.map((row, i) => (
        // Rows have no identity of their own; their order never changes within one render.
        // biome-ignore lint/suspicious/noArrayIndexKey: static output
        <Row key={i} cells={row} columns={columns} widths={widths} />
      ))}
    </Box>
  );
}

function Row(props: { cells: readonly string[]; columns: readonly Column[]; widths: number[]; header?: boolean }) {
  const { cells, columns, widths, header = false } = props;
  return (
    <Box>
      {columns.map((column, i) => (
        <Box
          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
          key={i}
          width={widths[i] ?? 1}
          flexShrink={0}
          marginRight={i < columns.length - 1 ? GAP : 0}
          justifyContent={column.align === 'right' ? 'flex-end' : 'flex-start'}
        >
          <Text bold={header} wrap="truncate-end">
            {cells[i] ?? ''}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
