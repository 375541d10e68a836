import { Box, Text } from 'ink';

export interface ProgressBarProps {
  label: string;
  done: number;
  total: number;
  /** Width of the whole line. */
  width: number;
}

/**
 * A one-line progress bar: `label [█████░░░░░]  45%  90/199`.
 * @example <ProgressBar label="Pushing" done={90} total={199} width={80} />
 */
export function ProgressBar({ label, done, total, width }: ProgressBarProps) {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const counts = `${String(Math.round(ratio * 100)).padStart(3)}%  ${done}/${total}`;
  const barWidth = Math.max(10, Math.min(40, width - label.length - counts.length - 6));
  const filled = Math.round(ratio * barWidth);
  return (
    <Box>
      <Text>{label} </Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(barWidth - filled)}</Text>
      <Text> {counts}</Text>
    </Box>
  );
}
