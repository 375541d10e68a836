import type { AuditEntry, AuditVerdict } from '@bbk/sdk';
import { Notice } from '../../ui/notice.js';
import { Table } from '../../ui/table.js';

/** Short text of an entry's detail for the table (the full detail is in `--json`). */
function brief(detail: Record<string, unknown>): string {
  const text = JSON.stringify(detail);
  return text === '{}' ? '' : text;
}

/** Audit entries, oldest first. */
export function AuditTable({
  entries,
  width,
  header = true,
}: {
  entries: readonly AuditEntry[];
  width: number;
  header?: boolean;
}) {
  return (
    <Table
      width={width}
      header={header}
      empty="No audit entries."
      columns={[
        { header: 'SEQ', align: 'right', keep: true },
        { header: 'AT', keep: true },
        { header: 'ACTOR' },
        { header: 'ACTION' },
        { header: 'TARGET' },
        { header: 'DETAIL' },
      ]}
      rows={entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.target, brief(e.detail)])}
    />
  );
}

/** The outcome of `bbk audit verify`. */
export function VerdictView({ verdict }: { verdict: AuditVerdict }) {
  if (verdict.intact) {
    return (
      <Notice kind="success">
        Audit log intact: {verdict.entries} entries, head {verdict.head}
      </Notice>
    );
  }
  return (
    <Notice kind="warning">
      Audit log broken at entry {verdict.broken.seq}: {verdict.broken.reason} ({verdict.entries} entries before it
      verified)
    </Notice>
  );
}
