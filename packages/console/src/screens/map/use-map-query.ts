import type { ConsumerClient } from '@bbk/sdk/browser';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type FormErrors, formErrors, NO_ERRORS } from '../../app/errors.js';
import { parseJson } from '../../ui/form.js';
import { geoTypes, placeAll, queryAll } from './data.js';
import type { Placed } from './geometry.js';

/** The catalog query's error name (the original's, kept by the spec). */
export const Q = 'policy.data_segment.segment_query';

/** The map's data: the query text, the records placed, the geometry field, status and errors. */
export interface MapQuery {
  text: string;
  setText: (text: string) => void;
  records: Placed[];
  path: string;
  status: string;
  errors: FormErrors;
  run: (text: string) => Promise<void>;
}

/**
 * Runs catalog queries for the map and places their records. Only the latest query may change the screen:
 * an earlier one still placing its records is dropped. The first query covers the entity types with locations.
 */
export function useMapQuery(api: ConsumerClient): MapQuery {
  const cache = useRef(new Map<string, Placed | null>());
  const generation = useRef(0);
  const [text, setText] = useState('');
  const [records, setRecords] = useState<Placed[]>([]);
  const [path, setPath] = useState('entity.location');
  const [status, setStatus] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);

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

  return { text, setText, records, path, status, errors, run };
}
