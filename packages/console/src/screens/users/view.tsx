import type { UserListItem } from '@bbk/sdk/browser';
import { useMemo, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { coordinatorClient } from '../../app/clients.js';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { useAction, useLoad } from '../../ui/async.js';
import { Field, FormProblems, ShownOnce } from '../../ui/form.js';
import { AccessesPanel } from './accesses.js';

const FIELDS = ['name', 'email', 'organization'] as const;

/** Users: create, edit, promote to coordinator (token shown once), demote, delete, and their accesses. */
export function UsersScreen(props: ScreenProps) {
  const api = useMemo(() => coordinatorClient(props.site, props.session), [props.site, props.session]);
  const users = useLoad(() => api.users.list(), [api]);
  const [editing, setEditing] = useState<UserListItem | 'new' | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [shown, setShown] = useState<{ label: string; value: string } | null>(null);
  const { problem, act } = useAction(() => users.reload());
  const promote = (u: UserListItem) =>
    act(async () => setShown({ label: `Coordinator token of ${u.name}`, value: await api.users.promote(u.id) }));

  return (
    <section>
      <div class="title-row">
        <h1>Users</h1>
        <button type="button" onClick={() => setEditing('new')}>
          New user
        </button>
      </div>
      {shown ? <ShownOnce {...shown} onDone={() => setShown(null)} /> : null}
      <FormProblems errors={users.error ?? problem} fields={[]} />
      {editing ? (
        <UserForm
          api={api}
          user={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            users.reload();
          }}
        />
      ) : null}
      <UsersTable
        users={users.data ?? []}
        selected={selected}
        onEdit={setEditing}
        onSelect={(id) => setSelected(selected === id ? null : id)}
        onPromote={promote}
        onDemote={(u) => act(() => api.users.demote(u.id))}
        onDelete={(u) => confirm(`Delete ${u.name}?`) && act(() => api.users.delete(u.id))}
      />
      {selected !== null ? <AccessesPanel api={api} uid={selected} onChange={users.reload} /> : null}
    </section>
  );
}

function UsersTable(props: {
  users: UserListItem[];
  selected: number | null;
  onEdit: (u: UserListItem) => void;
  onSelect: (id: number) => void;
  onPromote: (u: UserListItem) => void;
  onDemote: (u: UserListItem) => void;
  onDelete: (u: UserListItem) => void;
}) {
  return (
    <table>
      <thead>
        <tr>
          <th>Id</th>
          <th>Name</th>
          <th>Email</th>
          <th>Organization</th>
          <th>Role</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.users.map((u) => (
          <tr key={u.id} class={props.selected === u.id ? 'selected' : ''}>
            <td>{u.id}</td>
            <td>{u.name}</td>
            <td>{u.email}</td>
            <td>{u.organization}</td>
            <td>{u.coordinator ? 'coordinator' : `${u.accesses.length} access(es)`}</td>
            <td class="actions">
              <button type="button" class="quiet" onClick={() => props.onEdit(u)}>
                Edit
              </button>
              <button type="button" class="quiet" onClick={() => props.onSelect(u.id)}>
                Accesses
              </button>
              {u.coordinator ? (
                <button type="button" class="quiet" onClick={() => props.onDemote(u)}>
                  Demote
                </button>
              ) : (
                <button type="button" class="quiet" onClick={() => props.onPromote(u)}>
                  Promote
                </button>
              )}
              <button type="button" class="danger" onClick={() => props.onDelete(u)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UserForm(props: { api: ReturnType<typeof coordinatorClient>; user: UserListItem | null; onDone: () => void }) {
  const { user } = props;
  const [values, setValues] = useState({
    name: user?.name ?? '',
    email: user?.email ?? '',
    organization: user?.organization ?? '',
  });
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const set = (k: keyof typeof values) => (e: { currentTarget: HTMLInputElement }) =>
    setValues({ ...values, [k]: e.currentTarget.value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      if (user) await props.api.users.update(user.id, { name: values.name, organization: values.organization });
      else await props.api.users.create(values);
      props.onDone();
    } catch (error) {
      setErrors(formErrors(error)); // the values stay as typed
    }
  };
  return (
    <form class="card" onSubmit={submit} data-testid="user-form">
      <h2>{user ? `Edit ${user.name}` : 'New user'}</h2>
      <Field label="Name" name="name" errors={errors}>
        <input name="name" value={values.name} onInput={set('name')} />
      </Field>
      <Field label="Email" name="email" errors={errors} hint={user ? 'an email cannot change' : undefined}>
        <input name="email" value={values.email} onInput={set('email')} disabled={user !== null} />
      </Field>
      <Field label="Organization" name="organization" errors={errors}>
        <input name="organization" value={values.organization} onInput={set('organization')} />
      </Field>
      <FormProblems errors={errors} fields={FIELDS} />
      <div class="row">
        <button type="submit">{user ? 'Save' : 'Create'}</button>
        <button type="button" class="quiet" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
