import type { AccessItem } from '@bbk/sdk';
import { Notice, Secret, Stack } from '../../ui/notice.js';
import { Table } from '../../ui/table.js';

/** A user's accesses, with their token's expiry and last use (empty when never / not known). */
export function AccessTable({ accesses, width }: { accesses: readonly AccessItem[]; width: number }) {
  return (
    <Table
      width={width}
      empty="No accesses."
      columns={[
        { header: 'POLICY', keep: true },
        { header: 'CREATED' },
        { header: 'EXPIRES' },
        { header: 'LAST USED' },
        { header: 'URL' },
      ]}
      rows={accesses.map((a) => [a.policy.id, a.created, a.expires ?? '', a.last_used ?? '', a.url])}
    />
  );
}

/** A consumer token just issued, shown once. */
export function IssuedView({ message, token }: { message: string; token: string }) {
  return (
    <Stack>
      <Notice kind="success">{message}</Notice>
      <Secret label="Consumer token" value={token} />
    </Stack>
  );
}
