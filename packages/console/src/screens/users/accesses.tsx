import type { CoordinatorClient } from '@bbk/sdk/browser';
import { useState } from 'preact/hooks';
import { useAction, useLoad } from '../../ui/async.js';
import { FormProblems, ShownOnce } from '../../ui/form.js';

/** A user's accesses: grant a policy, reissue or revoke; each new consumer token is shown once. */
export function AccessesPanel(props: { api: CoordinatorClient; uid: number; onChange: () => void }) {
  const { api, uid } = props;
  const data = useLoad(async () => {
    const [accesses, policies] = await Promise.all([api.accesses.list(uid), api.policies.list()]);
    return { accesses, policies };
  }, [api, uid]);
  const [pid, setPid] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const { problem: errors, act } = useAction((token) => {
    if (typeof token === 'string') setShown(token);
    data.reload();
    props.onChange();
  });
  const held = new Set((data.data?.accesses ?? []).map((a) => a.id));
  return (
    <div class="card" data-testid="accesses">
      <h2>Accesses of user {uid}</h2>
      {shown ? <ShownOnce label="Consumer token" value={shown} onDone={() => setShown(null)} /> : null}
      <FormProblems errors={data.error ?? errors} fields={[]} />
      <table>
        <tbody>
          {(data.data?.accesses ?? []).map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td class="muted">since {new Date(a.created).toLocaleString()}</td>
              <td class="actions">
                <button type="button" class="quiet" onClick={() => act(() => api.accesses.reissue(uid, a.id))}>
                  Reissue
                </button>
                <button type="button" class="danger" onClick={() => act(() => api.accesses.revoke(uid, a.id))}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (pid) act(() => api.accesses.grant(uid, pid));
        }}
      >
        <select name="policy" value={pid} onChange={(e) => setPid(e.currentTarget.value)}>
          <option value="">Choose a policy…</option>
          {(data.data?.policies ?? [])
            .filter((p) => !held.has(p.id))
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
        </select>
        <button type="submit" disabled={!pid}>
          Grant access
        </button>
      </form>
    </div>
  );
}
