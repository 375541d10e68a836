import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ScreenProps } from '../../app/app.js';
import { consumerClient } from '../../app/clients.js';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { Field, FormProblems, parseJson } from '../../ui/form.js';
import { geoTypes, placeAll, queryAll } from './data.js';
import { nearQuery, type Placed, withinQuery } from './geometry.js';
import { type MapTools, mountMap } from './mount.js';

const Q = 'policy.data_segment.segment_query';
type Mode = 'browse' | 'near' | 'within';

/**
 * The map: the records of a query drawn on an offline world outline, clustered on a canvas; a click and a
 * radius run `$near`, a drawn polygon runs `$within`; the list and the map select together.
 */
export function MapScreen(props: ScreenProps) {
  const api = useMemo(() => consumerClient(props.site, props.session), [props.site, props.session]);
  const el = useRef<HTMLDivElement>(null);
  const tools = useRef<MapTools | null>(null);
  const cache = useRef(new Map<string, Placed | null>());
  const [text, setText] = useState('');
  const [records, setRecords] = useState<Placed[]>([]);
  const [path, setPath] = useState('entity.location');
  const [mode, setMode] = useState<Mode>('browse');
  const [radius, setRadius] = useState('500');
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);

  // only the latest query may change the screen: an earlier one still placing its records is dropped
  const generation = useRef(0);
  const run = async (queryText: string) => {
    const parsed = parseJson(queryText);
    if (!parsed.ok) return setErrors({ fields: { [Q]: [parsed.reason] }, message: null });
    setErrors(NO_ERRORS);
    const mine = ++generation.current;
    const current = () => mine === generation.current;
    try {
      setStatus('Querying…');
      const items = await queryAll(api, (parsed.value ?? {}) as Record<string, unknown>);
      if (!current()) return;
      const out = await placeAll(api, items, cache.current, (n, placed) => {
        if (!current()) return;
        setStatus(`Placing ${n} of ${items.length}…`);
        if (n % 200 === 0) setRecords(placed()); // the map fills as the details arrive
      });
      if (!current()) return;
      if (out.path) setPath(out.path);
      setRecords(out.placed);
      setStatus(`${out.placed.length} of ${items.length} records have a location`);
    } catch (e) {
      if (!current()) return;
      setStatus('');
      setErrors(formErrors(e));
    }
  };

  // the first query: every visible record of the entity types that have locations
  useEffect(() => {
    geoTypes(api).then(
      (found) => {
        if (found.path) setPath(found.path);
        if (found.types.length === 0) return setStatus('No visible entity type has locations.');
        const q = JSON.stringify({ type: { $in: found.types } });
        setText(q);
        run(q);
      },
      (e: unknown) => setErrors(formErrors(e)),
    );
  }, [api]);

  useEffect(() => {
    if (!el.current) return undefined;
    tools.current = mountMap(el.current, { onPick: (r) => setSelected(r.id) });
    return () => tools.current?.destroy();
  }, []);
  useEffect(() => tools.current?.show(records), [records]);
  useEffect(() => tools.current?.select(selected), [selected]);
  // the tools read the latest query, field and radius when they fire; they are set again only when the mode changes
  const latest = useRef({ text, path, radius });
  latest.current = { text, path, radius };
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const base = () => {
      const p = parseJson(latest.current.text);
      return p.ok && p.value && typeof p.value === 'object' ? (p.value as Record<string, unknown>) : {};
    };
    const km = () => Number(latest.current.radius) || 1;
    tools.current?.setMode(mode, {
      onNear: (at) => {
        const q = JSON.stringify(nearQuery(withoutGeo(base(), latest.current.path), latest.current.path, at, km()));
        setText(q);
        runRef.current(q);
        return km() * 1000;
      },
      onWithin: (ring) => {
        const q = JSON.stringify(withinQuery(withoutGeo(base(), latest.current.path), latest.current.path, ring));
        setText(q);
        runRef.current(q);
      },
    });
  }, [mode]);

  return (
    <section class="map-screen">
      <div class="main">
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            run(text);
          }}
        >
          <Field label="Catalog query" name={Q} errors={errors}>
            <textarea name="query" rows={2} class="code" value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </Field>
          <div class="row">
            <button type="submit">Run</button>
            <ModeButtons mode={mode} setMode={setMode} />
            <label>
              radius (km){' '}
              <input name="radius" class="short" value={radius} onInput={(e) => setRadius(e.currentTarget.value)} />
            </label>
            <span class="muted" data-testid="map-status">
              {status}
            </span>
          </div>
          <FormProblems errors={errors} fields={[Q]} />
        </form>
        <div ref={el} class="map" data-testid="map" />
      </div>
      <ResultList records={records} selected={selected} onSelect={setSelected} />
    </section>
  );
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
