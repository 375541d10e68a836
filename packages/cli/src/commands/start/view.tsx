import type { RunningServer } from '@bbk/server';
import { Box, Text } from 'ink';
import { Notice, Secret, Stack } from '../../ui/notice.js';

/** What `bbk start` shows once the three APIs listen. */
export function ReadyView(props: {
  urls: RunningServer['urls'];
  mode: string;
  dataDir: string;
  /** Where the data is: the data directory, or `PostgreSQL (schema …)`. */
  store?: string;
  bootstrapToken?: string;
}) {
  const { urls, mode, dataDir, bootstrapToken } = props;
  const store = props.store ?? dataDir;
  return (
    <Stack>
      <Box flexDirection="column">
        <Notice kind="success">
          bbk is running in {mode} mode, data in {store}
        </Notice>
        {(
          [
            ['Coordinator API', urls.coordinator],
            ['Contributor API', urls.contributor],
            ['Consumer API', urls.consumer],
            ...(urls.console ? [['Web console', urls.console] as const] : []),
            ...(urls.metrics ? [['Metrics', urls.metrics] as const] : []),
          ] as const
        ).map(([label, url]) => (
          <Box key={label} paddingLeft={2}>
            <Box width={17} flexShrink={0}>
              <Text>{label}</Text>
            </Box>
            <Text>{url}</Text>
          </Box>
        ))}
      </Box>
      {bootstrapToken ? (
        <Box flexDirection="column">
          <Secret label="Bootstrap coordinator token (first start)" value={bootstrapToken} />
          <Box paddingLeft={2} flexDirection="column">
            <Text dimColor>{'Use it with: bbk login coordinator --token <token>  (or BBK_TOKEN=…)'}</Text>
            <Text dimColor>{`Lost it? Run: bbk token bootstrap --data-dir ${dataDir}`}</Text>
          </Box>
        </Box>
      ) : null}
      {mode === 'development' ? (
        <Notice kind="warning">
          Development mode: no authentication; consumers choose their policy with --audience.
        </Notice>
      ) : null}
      <Text dimColor>Press Ctrl+C to stop.</Text>
    </Stack>
  );
}
