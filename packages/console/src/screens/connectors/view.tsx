import type { ConnectorDetail, ConnectorHealth, CoordinatorClient } from '@bbk/sdk/browser';
import { useMemo, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { coordinatorClient } from '../../app/clients.js';
import { go, route } from '../../app/router.js';
import { useAction, useLoad } from '../../ui/async.js';
import { FormProblems, ShownOnce } from '../../ui/form.js';
import { ConnectorForm } from './form.js';

type Row = ConnectorDetail & { health: ConnectorHealth | null };

/** Connectors of an entity type: create (token shown once), edit, live/staged, webhook health figures. */
export function ConnectorsScreen(props: ScreenProps) {
  const api = useMemo(() => coordinatorClient(props.site, props.session), [props.site, props.session]);
  const types = useLoad(() => api.entityTypes.list(), [api]);
  const eid = route.value.params.get('eid') ?? types.data?.[0]?.id ?? '';
  const rows = useLoad(() => (eid ? loadRows(api, eid) : Promise.resolve([])), [api, eid]);
  const [editing, setEditing] = useState<ConnectorDetail | 'new' | null>(null);
  const [created, setCreated] = useState<{ token: string; secret?: string } | null>(null);
  const { problem, act } = useAction(() => rows.reload());
  const live = (c: Row) =>
    act(() => (c.is_live ? api.connectors.demote(eid, c.id) : api.connectors.promote(eid, c.id)));
  const remove = (c: Row) => confirm(`Delete ${c.id} and its records?`) && act(() => api.connectors.delete(eid, c.id));
  return (
    <section>
      <div class="title-row">
        <h1>Connectors</h1>
        <select
          name="entity-type"
          aria-label="Entity type"
          value={eid}
          onChange={(e) => go('/connectors', { eid: e.currentTarget.value })}
        >
          {(types.data ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.id})
            </option>
          ))}
        </select>
        <button type="button" disabled={!eid} onClick={() => setEditing('new')}>
          New connector
        </button>
      </div>
      {created ? (
        <div>
          <ShownOnce label="Contributor token" value={created.token} onDone={() => setCreated(null)} />
          {created.secret ? <ShownOnce label="Webhook signing secret" value={created.secret} /> : null}
        </div>
      ) : null}
      <FormProblems errors={types.error ?? rows.error ?? problem} fields={[]} />
      {editing ? (
        <ConnectorForm
          api={api}
          eid={eid}
          current={editing === 'new' ? null : editing}
          onDone={(made) => {
            setEditing(null);
            if (made)
              setCreated({ token: made.token, ...(made.webhook_secret ? { secret: made.webhook_secret } : {}) });
            rows.reload();
          }}
        />
      ) : null}
      <ConnectorTable rows={rows.data ?? []} onEdit={setEditing} onLive={live} onDelete={remove} />
    </section>
  );
}

function ConnectorTable(props: {
  rows: Row[];
  onEdit: (c: Row) => void;
  onLive: (c: Row) => void;
  onDelete: (c: Row) => void;
}) {
  return (
    <table>
      <thead>
        <tr>
          <th>Slug</th>
          <th>Name</th>
          <th>Contribution id</th>
          <th>Webhook</th>
          <th>Health</th>
          <th>Live</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.rows.map((c) => (
          <tr key={c.id}>
            <td>{c.id}</td>
            <td>{c.name}</td>
            <td>
              <code>{c.contribution_id}</code>
            </td>
            <td>{c.webhook ?? <span class="muted">none</span>}</td>
            <td>{c.health ? healthText(c.health) : <span class="muted">–</span>}</td>
            <td>
              <label class="switch">
                <input type="checkbox" name={`live-${c.id}`} checked={c.is_live} onChange={() => props.onLive(c)} />{' '}
                {c.is_live ? 'live' : 'staged'}
              </label>
            </td>
            <td class="actions">
              <button type="button" class="quiet" onClick={() => props.onEdit(c)}>
                Edit
              </button>
              <button type="button" class="danger" onClick={() => props.onDelete(c)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function loadRows(api: CoordinatorClient, eid: string): Promise<Row[]> {
  const list = await api.connectors.list(eid);
  return Promise.all(
    list.map(async (c) => {
      const detail = await api.connectors.get(eid, c.id);
      const health = detail.webhook ? await api.connectors.health(eid, c.id).catch(() => null) : null;
      return { ...detail, health };
    }),
  );
}

function healthText(h: ConnectorHealth): string {
  if (h.calls === 0) return 'no calls yet';
  const avg = Math.round(h.latency_ms_avg);
  return `${h.calls} calls, ${h.failures} failed (${h.timeouts} timeouts), ${avg} ms average${h.last_error ? `; last error: ${h.last_error}` : ''}`;
}
