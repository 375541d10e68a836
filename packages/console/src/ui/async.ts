import { useCallback, useEffect, useState } from 'preact/hooks';
import { type FormErrors, formErrors, NO_ERRORS } from '../app/errors.js';

/** Data loaded by a screen: the value, the error, and `reload()` after a change. */
export interface Loaded<T> {
  data: T | undefined;
  error: FormErrors | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when the screen opens (and when `deps` change); `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: FormErrors | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  // the caller names what the load depends on (deps)
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (e: unknown) => live && setState({ data: undefined, error: formErrors(e), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * A screen's actions: `act(work)` clears the problem shown, runs `work`, hands its result to `done`
 * (reload, show a token), and keeps the server's error as `problem`, for the fields it names.
 */
export function useAction(done: (result: unknown) => void = () => {}) {
  const [problem, setProblem] = useState<FormErrors>(NO_ERRORS);
  const act = async (work: () => Promise<unknown>) => {
    setProblem(NO_ERRORS);
    try {
      done(await work());
    } catch (e) {
      setProblem(formErrors(e));
    }
  };
  return { problem, setProblem, act };
}
