/** One limit as the server's `RateLimit-Policy` / `RateLimit` headers state it. */
export interface RateLimitState {
  /** Calls the window allows (`q`). */
  limit: number;
  /** Calls left in the current window (`r`). */
  remaining: number;
  /** Seconds until the window resets (`t`). */
  reset: number;
  /** Length of the window in seconds (`w`): 1 for the rate, the current day or month for the quota. */
  window: number;
}

/**
 * What a consumer may still call, as of one answer: `rate` (calls per second) and `quota` (calls per
 * UTC day or month), each present when the policy sets it. `at` is when the answer was received (ms).
 */
export interface RateLimitInfo {
  rate?: RateLimitState;
  quota?: RateLimitState;
  at: number;
}

type Headers = Record<string, string | string[] | undefined>;

/** Items of a structured-field list: `"name";k=1;k2=2, …` → name → parameters. */
function items(field: string | string[] | undefined): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const text = Array.isArray(field) ? field.join(', ') : field;
  if (!text) return out;
  for (const item of text.split(',')) {
    const [name, ...params] = item.split(';').map((p) => p.trim());
    if (!name) continue;
    const values: Record<string, number> = {};
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k && v !== undefined && Number.isFinite(Number(v))) values[k.trim()] = Number(v);
    }
    out.set(name.replace(/^"|"$/g, ''), values);
  }
  return out;
}

/**
 * Reads the `RateLimit-Policy` and `RateLimit` headers (draft-ietf-httpapi-ratelimit-headers) of an answer;
 * undefined when the server sent none (no limits, or not a bbk server).
 * @example parseRateLimit({ 'ratelimit-policy': '"rate";q=10;w=1', ratelimit: '"rate";r=9;t=1' })?.rate?.remaining // 9
 */
export function parseRateLimit(headers: Headers, at = Date.now()): RateLimitInfo | undefined {
  const policy = items(headers['ratelimit-policy']);
  const state = items(headers.ratelimit);
  if (policy.size === 0 && state.size === 0) return undefined;
  const info: RateLimitInfo = { at };
  for (const name of ['rate', 'quota'] as const) {
    const p = policy.get(name);
    const s = state.get(name);
    if (!p && !s) continue;
    info[name] = { limit: p?.q ?? 0, window: p?.w ?? 0, remaining: s?.r ?? 0, reset: s?.t ?? 0 };
  }
  return info;
}
