import { Box, Text } from 'ink';
import { fitColumns, textWidth } from './fit.js';

/** A table column. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Never cut (ids, which cannot be copied once cut). Default: true for a column headed `ID`. */
  keep?: boolean;
}

export interface TableProps {
  columns: readonly Column[];
  /** Cells as display text, one array per row. */
  rows: readonly (readonly string[])[];
  /** Width to fit (the terminal's). */
  width: number;
  /** Shown instead of an empty table. */
  empty?: string;
  /** Print the header row (default true; false for the later pages of a list printed page by page). */
  header?: boolean;
}

const GAP = 2;

/**
 * A table that fits the terminal: wide columns are cut with an ellipsis, narrow ones keep their width, and id
 * columns are never cut (the table overflows a terminal too narrow for them rather than show half an id).
 * @example <Table columns={[{ header: 'ID' }, { header: 'NAME' }]} rows={[['1', 'Admin']]} width={80} />
 */
export function Table({ columns, rows, width, empty = 'Nothing to show.', header = true }: TableProps) {
  if (rows.length === 0) return <Text dimColor>{empty}</Text>;
  const natural = columns.map((column, i) =>
    Math.max(textWidth(column.header), ...rows.map((row) => textWidth(row[i] ?? ''))),
  );
  const keep = columns.map((column) => column.keep ?? column.header === 'ID');
  const widths = fitColumns(natural, width, GAP, 6, keep);
  return (
    <Box flexDirection="column">
      {header ? <Row cells={columns.map((c) => c.header)} columns={columns} widths={widths} header /> : null}
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

/**
 * A `<Table>` element, for callers outside TSX (lib/output.ts), which then need not import React (CommonJS: a
 * dynamic `import('react')` would get only its default export in the bundled CLI).
 * @example tableElement({ width: 80, columns: [{ header: 'ID' }], rows: [['1']] })
 */
export const tableElement = (props: TableProps) => <Table {...props} />;
