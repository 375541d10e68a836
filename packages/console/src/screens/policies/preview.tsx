import type { PolicyPreview, PreviewChange } from '@bbk/sdk/browser';

/** What a consumer of the policy under edit would see, as the server computed it. */
export function PreviewPanel(props: { preview: PolicyPreview | null; editing: boolean }) {
  const p = props.preview;
  return (
    <aside class="card preview" data-testid="preview" aria-live="polite">
      <h2>What a consumer would see</h2>
      {!p ? (
        <p class="muted">The preview appears as you edit.</p>
      ) : (
        <>
          <p>
            <strong data-testid="preview-total">{p.records}</strong> records from live connectors
          </p>
          <table class="compact">
            <tbody>
              {p.types.map((t) => (
                <tr key={t.type}>
                  <td>{t.type}</td>
                  <td class="num" data-testid={`preview-count-${t.type}`}>
                    {t.records}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {props.editing && p.added && p.removed ? (
            <div class="changes">
              <Change label="Added by this change" change={p.added} kind="added" />
              <Change label="Removed by this change" change={p.removed} kind="removed" />
            </div>
          ) : null}
          <h3>Sample, masks applied</h3>
          {p.sample.map((r) => (
            <details key={r.id} class="sample" data-testid="preview-sample">
              <summary>
                {r.name} <span class="muted">{r.type}</span>
              </summary>
              <pre>{JSON.stringify({ entity: r.entity, instance: r.instance }, null, 2)}</pre>
            </details>
          ))}
        </>
      )}
    </aside>
  );
}

function Change(props: { label: string; change: PreviewChange; kind: string }) {
  const { change } = props;
  return (
    <div class={`change ${props.kind}`} data-testid={`preview-${props.kind}`}>
      <h3>
        {props.label}: {change.records}
      </h3>
      <ul>
        {change.items.map((r) => (
          <li key={r.id}>
            {r.name} <span class="muted">{r.type}</span>
          </li>
        ))}
        {change.truncated ? <li class="muted">… and {change.records - change.items.length} more</li> : null}
      </ul>
    </div>
  );
}
