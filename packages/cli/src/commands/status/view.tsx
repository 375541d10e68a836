import { Box, Text } from 'ink';
import { APIS } from '../../lib/config-file.js';
import { Stack } from '../../ui/notice.js';
import { Table } from '../../ui/table.js';
import type { StatusReport } from './index.js';

/** What `bbk status` shows. */
export function StatusView({ report, width }: { report: StatusReport; width: number }) {
  const count = (n: number | null) => (n === null ? 'n/a' : String(n));
  const c = report.counts;
  return (
    <Stack>
      <Text bold>
        bbk {report.up ? 'is up' : 'is not (fully) reachable'}
        {report.mode ? ` (${report.mode} mode)` : ''} · profile {report.profile} · cli {report.versions.cli} · node{' '}
        {report.versions.node}
      </Text>
      <Table
        width={width}
        columns={[{ header: 'API' }, { header: 'STATE' }, { header: 'URL' }, { header: 'DETAIL' }]}
        rows={APIS.map((api) => {
          const s = report.apis[api];
          return [api, s.state, s.url, s.detail ?? s.name ?? ''];
        })}
      />
      <Box flexDirection="column">
        <Text>
          users {count(c.users)} · entity types {count(c.entity_types)} · connectors {count(c.connectors)} · policies{' '}
          {count(c.policies)} · records {count(c.records)}
        </Text>
        {c.records === null ? (
          <Text dimColor>records: visible to a consumer token (or --audience in development mode)</Text>
        ) : null}
      </Box>
    </Stack>
  );
}
