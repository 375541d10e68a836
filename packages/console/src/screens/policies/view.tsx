import type { PolicyDetail } from '@bbk/sdk/browser';
import { useMemo, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { coordinatorClient } from '../../app/clients.js';
import { useAction, useLoad } from '../../ui/async.js';
import { FormProblems } from '../../ui/form.js';
import { PolicyEditor } from './editor.js';

/** Policies: the list, and the editor with its impact preview. */
export function PoliciesScreen(props: ScreenProps) {
  const api = useMemo(() => coordinatorClient(props.site, props.session), [props.site, props.session]);
  const list = useLoad(() => api.policies.list(), [api]);
  const [editing, setEditing] = useState<PolicyDetail | 'new' | null>(null);
  const { problem, act } = useAction();
  return (
    <section>
      <div class="title-row">
        <h1>Policies</h1>
        <button type="button" onClick={() => setEditing('new')}>
          New policy
        </button>
      </div>
      <FormProblems errors={list.error ?? problem} fields={[]} />
      {editing ? (
        <PolicyEditor
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          current={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Slug</th>
            <th>Name</th>
            <th>Description</th>
            <th>Tags</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((p) => (
            <tr key={p.id}>
              <td>{p.id}</td>
              <td>{p.name}</td>
              <td>{p.description}</td>
              <td>{p.tags.join(', ')}</td>
              <td class="actions">
                <button
                  type="button"
                  class="quiet"
                  onClick={() => act(async () => setEditing(await api.policies.get(p.id)))}
                >
                  Edit
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    confirm(`Delete policy ${p.id} and its accesses?`) &&
                    act(async () => {
                      await api.policies.delete(p.id);
                      list.reload();
                    })
                  }
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
