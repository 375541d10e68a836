import { signal } from '@preact/signals';

/** The screen in the URL fragment: `#/policies/edit?pid=x` → `{ path: '/policies/edit', params }`. */
export interface Route {
  path: string;
  params: URLSearchParams;
}

function read(): Route {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path || '/', params: new URLSearchParams(query) };
}

/** The current route; follows `hashchange`. */
export const route = signal<Route>(read());
addEventListener('hashchange', () => {
  route.value = read();
});

/** Goes to a screen, e.g. `go('/explore', { q: '{}' })`. */
export function go(path: string, params: Record<string, string> = {}): void {
  const query = new URLSearchParams(params).toString();
  location.hash = `#${path}${query ? `?${query}` : ''}`;
}
