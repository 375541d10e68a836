import { Box, Text } from 'ink';
import { textWidth } from './fit.js';

/** One line of a detail view; multi-line values are indented under their label. */
export interface Field {
  label: string;
  value: string;
}

export interface DetailProps {
  title?: string;
  fields: readonly Field[];
  width: number;
}

/**
 * A label/value view whose values wrap within the terminal width.
 * @example <Detail title="User 2" fields={[{ label: 'Name', value: 'Alice' }]} width={80} />
 */
export function Detail({ title, fields, width }: DetailProps) {
  const labelWidth = Math.min(24, Math.max(0, ...fields.map((f) => textWidth(f.label))) + 2);
  const valueWidth = Math.max(10, width - labelWidth);
  return (
    <Box flexDirection="column">
      {title ? <Text bold>{title}</Text> : null}
      {fields.map((field) => (
        <Box key={field.label}>
          <Box width={labelWidth} flexShrink={0}>
            <Text dimColor>{field.label}</Text>
          </Box>
          <Box width={valueWidth}>
            <Text wrap="wrap">{field.value === '' ? '—' : field.value}</Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
