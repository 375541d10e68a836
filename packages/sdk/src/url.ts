/** Query string values; `undefined` entries are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/**
 * Percent-encodes one path segment. Rejects empty segments, which would silently address
 * another endpoint (`/user/` is the user list), and encodes `.`/`..` so they are not collapsed.
 * @example encodeSegment('a b/c') // 'a%20b%2Fc'
 */
export function encodeSegment(value: string | number): string {
  const text = String(value);
  if (text === '') throw new TypeError('bbk: empty path segment');
  if (text === '.' || text === '..') return text.replaceAll('.', '%2E');
  return encodeURIComponent(text);
}

/**
 * Tagged template that builds an API path, percent-encoding every interpolated value.
 * @example path`/user/email/${'a+b@c.io'}` // '/user/email/a%2Bb%40c.io'
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += encodeSegment(value) + (strings[i + 1] ?? '');
  });
  return out;
}

/**
 * Joins a base URL (`http://host:8001/v1`, trailing slash optional) with a path and query.
 * An empty path addresses the base itself (the announce route).
 * @example buildUrl('http://localhost:8003/v1/', '/catalog', { q: '{}', limit: 10 })
 * // 'http://localhost:8003/v1/catalog?q=%7B%7D&limit=10'
 */
export function buildUrl(baseUrl: string, apiPath: string, query?: QueryParams): string {
  const base = baseUrl.replace(/\/+$/, '');
  const suffix = apiPath === '' || apiPath.startsWith('/') ? apiPath : `/${apiPath}`;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.append(key, String(value));
  }
  const qs = search.toString();
  return `${base}${suffix}${qs ? `?${qs}` : ''}`;
}
