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
 * Runs catalog queries for the map and places their records from the lists' `fields` (the geometry paths the
 * entity types use). Only the latest query may change the screen: an earlier one still paging is dropped. The
 * first query covers the entity types with locations.
 */
export function useMapQuery(api: ConsumerClient): MapQuery {
  const paths = useRef<string[]>(['entity.location']);
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
      const query = (parsed.value ?? {}) as Record<string, unknown>;
      const items = await queryAll(api, query, paths.current, (sofar) => {
        if (!current()) return;
        setStatus(`Placing ${sofar.length} records…`);
        setRecords(placeAll(sofar, paths.current).placed); // the map fills page by page
      });
      if (!current()) return;
      const out = placeAll(items, paths.current);
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
        if (found.paths.length > 0) {
          paths.current = found.paths;
          setPath(found.paths[0] as string);
        }
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
