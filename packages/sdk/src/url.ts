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

/**
 * The request target (path and query) of a URL `buildUrl` made, as written. The WHATWG URL parser (`new URL`,
 * `fetch`) resolves `.` and `..` segments, even percent-encoded ones, so an id `..` would address the parent
 * resource (`DELETE /user/2/access/%2E%2E` would delete user 2); the target is therefore taken from the text.
 * @example requestTarget('http://h:8001/v1/entity/x/%2E%2E?a=1') // '/v1/entity/x/%2E%2E?a=1'
 */
export function requestTarget(url: string): string {
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)?.[1] ?? '';
  // a base URL with characters a request line cannot carry (a space): as the parser writes it
  if (!/^\/[\x21-\x7e]*$/.test(written)) {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  }
  return written;
}

/** Whether a target holds a `.` or `..` segment (written `%2E`), which only an exact request target can carry. */
export function hasDotSegment(target: string): boolean {
  return /\/(%2E){1,2}(?=[/?]|$)/i.test(target);
}
