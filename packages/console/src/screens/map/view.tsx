import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { consumerClient } from '../../app/clients.js';
import { Field, FormProblems, parseJson } from '../../ui/form.js';
import { nearQuery, type Placed, withinQuery } from './geometry.js';
import { type MapTools, mountMap } from './mount.js';
import { Q, useMapQuery } from './use-map-query.js';

type Mode = 'browse' | 'near' | 'within';

/**
 * The map: the records of a query drawn on an offline world outline, clustered on a canvas; a click and a
 * radius run `$near`, a drawn polygon runs `$within`; the list and the map select together.
 */
export function MapScreen(props: ScreenProps) {
  const api = useMemo(() => consumerClient(props.site, props.session), [props.site, props.session]);
  const q = useMapQuery(api);
  const el = useRef<HTMLDivElement>(null);
  const tools = useRef<MapTools | null>(null);
  const [mode, setMode] = useState<Mode>('browse');
  const [radius, setRadius] = useState('500');
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    if (!el.current) return undefined;
    tools.current = mountMap(el.current, { onPick: (r) => setSelected(r.id) });
    return () => tools.current?.destroy();
  }, []);
  useEffect(() => tools.current?.show(q.records), [q.records]);
  useEffect(() => tools.current?.select(selected), [selected]);
  useTools(tools, mode, { ...q, radius });

  return (
    <section class="map-screen">
      <div class="main">
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            q.run(q.text);
          }}
        >
          <Field label="Catalog query" name={Q} errors={q.errors}>
            <textarea
              name="query"
              rows={2}
              class="code"
              value={q.text}
              onInput={(e) => q.setText(e.currentTarget.value)}
            />
          </Field>
          <div class="row">
            <button type="submit">Run</button>
            <ModeButtons mode={mode} setMode={setMode} />
            <label>
              radius (km){' '}
              <input name="radius" class="short" value={radius} onInput={(e) => setRadius(e.currentTarget.value)} />
            </label>
            <span class="muted" data-testid="map-status">
              {q.status}
            </span>
          </div>
          <FormProblems errors={q.errors} fields={[Q]} />
        </form>
        <div ref={el} class="map" data-testid="map" />
      </div>
      <ResultList records={q.records} selected={selected} onSelect={setSelected} />
    </section>
  );
}

/**
 * Sets the map's tools for the mode. They read the latest query, field and radius when they fire, and are
 * set again only when the mode changes (a polygon being drawn survives typing).
 */
function useTools(
  tools: { current: MapTools | null },
  mode: Mode,
  now: { text: string; path: string; radius: string; setText: (t: string) => void; run: (t: string) => void },
): void {
  const latest = useRef(now);
  latest.current = now;
  useEffect(() => {
    const base = () => {
      const p = parseJson(latest.current.text);
      const value = p.ok && p.value && typeof p.value === 'object' ? (p.value as Record<string, unknown>) : {};
      return withoutGeo(value, latest.current.path);
    };
    const km = () => Number(latest.current.radius) || 1;
    const send = (query: unknown) => {
      const text = JSON.stringify(query);
      latest.current.setText(text);
      latest.current.run(text);
    };
    tools.current?.setMode(mode, {
      onNear: (at) => {
        send(nearQuery(base(), latest.current.path, at, km()));
        return km() * 1000;
      },
      onWithin: (ring) => send(withinQuery(base(), latest.current.path, ring)),
    });
  }, [mode]);
}

/** The query without a previous `$near`/`$within` on the geometry field (a new click replaces it). */
function withoutGeo(query: Record<string, unknown>, path: string): Record<string, unknown> {
  const { [path]: _old, ...rest } = query;
  return rest;
}

function ModeButtons(props: { mode: Mode; setMode: (m: Mode) => void }) {
  const modes: [Mode, string][] = [
    ['browse', 'Browse'],
    ['near', 'Near a point'],
    ['within', 'Draw a polygon'],
  ];
  return (
    <span class="row">
      {modes.map(([m, label]) => (
        <button
          key={m}
          type="button"
          class={props.mode === m ? 'chip active' : 'chip'}
          onClick={() => props.setMode(m)}
        >
          {label}
        </button>
      ))}
    </span>
  );
}

function ResultList(props: { records: Placed[]; selected: string | null; onSelect: (id: string) => void }) {
  const shown = props.records.slice(0, 500);
  useEffect(() => {
    if (props.selected) document.getElementById(`r-${props.selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [props.selected]);
  return (
    <aside class="card list" data-testid="map-list">
      <h2>{props.records.length} on the map</h2>
      <ul>
        {shown.map((r) => (
          <li key={r.id} id={`r-${r.id}`} class={props.selected === r.id ? 'selected' : ''}>
            <button type="button" class="link" onClick={() => props.onSelect(r.id)}>
              {r.name}
            </button>{' '}
            <span class="muted">{r.type}</span>
          </li>
        ))}
        {props.records.length > shown.length ? (
          <li class="muted">… {props.records.length - shown.length} more</li>
        ) : null}
      </ul>
    </aside>
  );
}
