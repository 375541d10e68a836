import type { UserDetail, UserListItem } from '@bbk/sdk';
import { Detail } from '../../ui/detail.js';
import { show } from '../../ui/format.js';
import { Notice, Secret, Stack } from '../../ui/notice.js';
import { Table } from '../../ui/table.js';

/** The user list as a table. */
export function UserTable({ users, width }: { users: readonly UserListItem[]; width: number }) {
  return (
    <Table
      width={width}
      empty="No users."
      columns={[
        { header: 'ID', align: 'right' },
        { header: 'NAME' },
        { header: 'EMAIL' },
        { header: 'ORGANIZATION' },
        { header: 'COORD' },
        { header: 'ACCESSES' },
      ]}
      rows={users.map((u) => [
        String(u.id),
        u.name,
        u.email,
        u.organization,
        u.coordinator ? 'yes' : 'no',
        u.accesses.map((a) => a.id).join(', '),
      ])}
    />
  );
}

/** One user in full. */
export function UserView({ user, width }: { user: UserDetail; width: number }) {
  return (
    <Detail
      title={`User ${user.id}`}
      width={width}
      fields={[
        { label: 'Name', value: user.name },
        { label: 'Email', value: user.email },
        { label: 'Organization', value: user.organization },
        { label: 'Coordinator', value: user.coordinator ? 'yes' : 'no' },
        { label: 'Accesses', value: user.accesses.map((a) => a.id).join(', ') },
        { label: 'Addendum', value: Object.keys(user.addendum).length ? show(user.addendum) : '' },
        { label: 'URL', value: user.url },
      ]}
    />
  );
}

/** After `user promote`: the coordinator token, once. */
export function PromotedView({ id, token }: { id: number; token: string }) {
  return (
    <Stack>
      <Notice kind="success">User {id} is now a coordinator.</Notice>
      <Secret label="Coordinator token" value={token} />
    </Stack>
  );
}
