import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface NoticeProps {
  kind: 'success' | 'warning' | 'info';
  children: ReactNode;
}

const MARK = { success: '✓', warning: '!', info: '•' } as const;
const COLOR = { success: 'green', warning: 'yellow', info: 'cyan' } as const;

/**
 * One marked line: a confirmation, a warning or a hint.
 * @example <Notice kind="success">Connector country/wikipedia is live.</Notice>
 */
export function Notice({ kind, children }: NoticeProps) {
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        <Text color={COLOR[kind]}>{MARK[kind]}</Text>
      </Box>
      <Text wrap="wrap">{children}</Text>
    </Box>
  );
}

export interface SecretProps {
  /** What the secret is, e.g. "Contributor token". */
  label: string;
  value: string;
}

/**
 * A secret shown once, with the warning to store it.
 * @example <Secret label="Consumer token" value={token} />
 */
export function Secret({ label, value }: SecretProps) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{label}</Text>
        <Text>:</Text>
      </Text>
      <Box paddingLeft={2}>
        <Text>{value}</Text>
      </Box>
      <Notice kind="warning">Store it now: it is shown only this once and cannot be read back.</Notice>
    </Box>
  );
}

/**
 * Stacks views with a blank line between them.
 * @example <Stack>{[<Detail …/>, <Secret …/>]}</Stack>
 */
export function Stack({ children }: { children: ReactNode }) {
  return (
    <Box flexDirection="column" gap={1}>
      {children}
    </Box>
  );
}
