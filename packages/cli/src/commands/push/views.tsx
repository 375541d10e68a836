import { Box, Text } from 'ink';
import { Notice } from '../../ui/notice.js';

/** What `bbk push` reports (also its `--json` output). */
export interface PushReport {
  file: string;
  format: string;
  connector: string | null;
  mode: string;
  dry_run: boolean;
  /** Whether the entity schema was checked locally (dry runs only). */
  schema_checked: boolean;
  session: string | null;
  committed: boolean;
  /** Why nothing was committed (a sentence), or null. */
  aborted: string | null;
  /** Items read from the file. */
  read: number;
  /** Records the server accepted, or that are valid (dry run); repeated ids included. */
  accepted: number;
  /** Distinct vendor ids the server accepted (inserted or updated: the Contributor API does not say which). */
  upserted: number;
  /** Records whose id repeats an earlier record of the file (the later one wins). */
  duplicates: number;
  rejected: number;
  rejections: { location: string; id: string | null; reasons: string[] }[];
  /** Connector-private keys (`_…`) left out of the records. */
  dropped_keys: string[];
  /** Vendor id → public id of the records accepted. */
  ids: Record<string, string>;
}

/** The final report of a push. */
export function PushReportView({ report, width }: { report: PushReport; width: number }) {
  const target = report.connector ? `connector ${report.connector}` : 'no connector';
  const outcome = report.dry_run
    ? `Dry run: ${report.accepted} of ${report.read} records are valid; nothing was sent${report.schema_checked ? '' : ' (entity schema not checked: give --schema FILE or --entity TYPE)'}.`
    : report.committed
      ? `Pushed ${report.upserted} records from ${report.file} to ${target} (${report.mode} session committed).`
      : `Nothing pushed from ${report.file} to ${target}: ${report.aborted}.`;
  const counts = [
    `read ${report.read}`,
    report.dry_run ? `valid ${report.accepted}` : `upserted ${report.upserted}`,
    `rejected ${report.rejected}`,
    ...(report.duplicates ? [`duplicate ids ${report.duplicates}`] : []),
    ...(report.dropped_keys.length ? [`private keys dropped: ${report.dropped_keys.join(', ')}`] : []),
  ];
  return (
    <Box flexDirection="column">
      <Notice kind={report.rejected || (!report.dry_run && !report.committed) ? 'warning' : 'success'}>
        {outcome}
      </Notice>
      <Box paddingLeft={2}>
        <Text dimColor>{counts.join(' · ')}</Text>
      </Box>
      {report.rejections.length ? (
        <Box flexDirection="column" marginTop={1} width={width}>
          <Text bold>Rejected records:</Text>
          {report.rejections.map((r) => (
            <Box key={r.location} flexDirection="column" paddingLeft={2}>
              <Text>
                {r.location}
                {r.id === null ? '' : ` (id ${r.id})`}
              </Text>
              {r.reasons.map((reason) => (
                <Box key={reason} paddingLeft={2}>
                  <Text wrap="wrap">{reason}</Text>
                </Box>
              ))}
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
