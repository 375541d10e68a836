import { signal } from '@preact/signals';

/**
 * Who uses the console: a coordinator (token) or a consumer (token, or in development mode a policy
 * chosen by its slug). Kept in session storage only: closing the tab or "sign out" forgets it.
 */
export interface Session {
  role: 'coordinator' | 'consumer';
  token?: string;
  /** Development mode: the consumer's policy slug (`x-bbk-audience`). */
  policy?: string;
}

const KEY = 'bbk-console-session';

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** The signed-in session, or null. */
export const session = signal<Session | null>(load());

/** Keeps `s` for this tab and signs in. */
export function signIn(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
  session.value = s;
}

/** Forgets the token and goes back to the sign-in screen. */
export function signOut(): void {
  sessionStorage.removeItem(KEY);
  session.value = null;
  location.hash = '#/';
}

/**
 * `#/explore?token=…` or `#/explore?policy=…` (what `bbk demo` prints): signs in as that consumer and
 * removes the token from the address bar and the history entry.
 */
export function takeFragmentCredentials(): void {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const token = params.get('token');
  const policy = params.get('policy');
  if (!token && !policy) return;
  const role = params.get('role') === 'coordinator' ? 'coordinator' : 'consumer';
  signIn({ role, ...(token ? { token } : {}), ...(policy ? { policy } : {}) });
  params.delete('token');
  params.delete('policy');
  params.delete('role');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}#${path || '/'}${rest ? `?${rest}` : ''}`);
}
