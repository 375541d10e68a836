import type { ConsumerClient, EntityDetail, TimeseriesPage } from '@bbk/sdk/browser';
import { useLoad } from '../../ui/async.js';
import { FormProblems } from '../../ui/form.js';
import { Chart } from './chart.js';

/** A record as the policy shows it: its data, legal notices, and each timeseries as a chart. */
export function RecordDetail(props: { api: ConsumerClient; type: string; id: string; onClose: () => void }) {
  const { api, type, id } = props;
  const detail = useLoad(() => api.entity(type, id), [api, type, id]);
  const d = detail.data;
  return (
    <aside class="card detail" data-testid="record-detail">
      <div class="title-row">
        <h2>{d?.name ?? '…'}</h2>
        <button type="button" class="quiet" onClick={props.onClose}>
          Close
        </button>
      </div>
      {detail.error ? <FormProblems errors={detail.error} fields={[]} /> : null}
      {d ? (
        <>
          <p class="muted">
            {d.type} · <code>{d.id}</code>
          </p>
          <Legal legal={d.legal} />
          <h3>Entity</h3>
          <pre>{JSON.stringify(d.entity, null, 2)}</pre>
          {Object.keys(d.instance).length ? (
            <>
              <h3>Instance</h3>
              <pre>{JSON.stringify(d.instance, null, 2)}</pre>
            </>
          ) : null}
          {Object.keys(d.timeseries).map((tsid) => (
            <Series key={tsid} api={api} detail={d} tsid={tsid} />
          ))}
        </>
      ) : null}
    </aside>
  );
}

function Legal(props: { legal: EntityDetail['legal'] }) {
  if (props.legal.length === 0) return null;
  return (
    <div class="legal" data-testid="legal">
      <h3>Legal notices</h3>
      <ul>
        {props.legal.map((l) => (
          <li key={`${l.type}:${l.text}`}>
            <strong>{l.type}</strong>: {l.text}{' '}
            {l.link && /^https?:\/\//i.test(l.link) ? (
              <a href={l.link} target="_blank" rel="noreferrer noopener">
                {l.link}
              </a>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Series(props: { api: ConsumerClient; detail: EntityDetail; tsid: string }) {
  const { api, detail, tsid } = props;
  const page = useLoad<TimeseriesPage>(
    () => api.timeseriesPage(detail.type, detail.id, tsid, { limit: 100 }),
    [api, detail.id, tsid],
  );
  const decl = detail.timeseries[tsid];
  return (
    <div class="series-box" data-testid={`timeseries-${tsid}`}>
      <h3>
        Timeseries {tsid}{' '}
        <span class="muted">
          {decl ? `${decl.value} (${decl.unit}) every ${decl.period}` : ''}
          {page.data?.webhook === 'failed' ? ' · the connector did not answer' : ''}
        </span>
      </h3>
      {page.error ? <FormProblems errors={page.error} fields={[]} /> : null}
      {page.data ? <Chart points={page.data.points} label={`${tsid} of ${detail.name}`} /> : null}
    </div>
  );
}
