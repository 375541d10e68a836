import { REASON_PHRASES } from '@bbk/sdk/protocol';
import type { FuzzCase } from './cases.js';
import type { RawResponse } from './raw-http.js';
import { secretOf, type World } from './world.js';

/** The classes of violation the fuzzer reports. */
export type ViolationClass =
  | 'server-error-5xx'
  | 'status-outside-spec'
  | 'error-not-standard-body'
  | 'secret-echoed'
  | 'out-of-policy-record'
  | 'masked-value'
  | 'masked-path-inference'
  | 'staged-record'
  | 'silent-close'
  | 'no-answer'
  | 'not-http'
  | 'slow-request'
  | 'slow-probe';

export interface Violation {
  class: ViolationClass;
  /** What exactly (may quote the answer). */
  detail: string;
  /** What groups it with others of the same cause, when `detail` is too specific. */
  key?: string;
}

/** Bounds on time: a probe (announce) and any single fuzz request. */
export interface Bounds {
  probeMs: number;
  requestMs: number;
}

/** Statuses the spec lets a server send (§1.6 and §9's 405), plus 304 for conditional GETs. */
const SUCCESS = new Set([200, 201, 204, 304]);
// spec §1.6, and the statuses bbk documents for what the HTTP parser refuses (docs/DECISIONS.md):
// 408 a client too slow to send its request, 431 headers over 16 KB, 415 a JSON body in an unsupported encoding
const ERRORS = new Set([400, 401, 403, 404, 405, 408, 409, 413, 415, 429, 431]);

function header(res: RawResponse, name: string): string {
  return (res.headers[name] ?? []).join(', ');
}

/** Why `text` is not the standard error body for `status` (spec §1.7, §1.8), or undefined when it is. */
export function errorShapeProblem(status: number, contentType: string, text: string): string | undefined {
  if (!/^application\/json\b/i.test(contentType)) return `content-type ${JSON.stringify(contentType)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  const top = parsed as { error?: { code?: unknown; status?: unknown; message?: unknown } };
  if (!top || typeof top !== 'object' || Array.isArray(top) || Object.keys(top).join() !== 'error')
    return 'not {"error":…}';
  const e = top.error;
  if (!e || typeof e !== 'object' || Object.keys(e).sort().join() !== 'code,message,status')
    return 'error keys are not code,status,message';
  if (e.code !== status) return `code ${String(e.code)} differs from status ${status}`;
  if (e.status !== REASON_PHRASES[status]) return `status ${JSON.stringify(e.status)} is not the reason phrase`;
  if (status === 400) {
    const items = e.message;
    if (!Array.isArray(items) || items.length === 0) return '400 message is not a non-empty array of items';
    for (const it of items as Array<Record<string, unknown>>) {
      const ok =
        it &&
        typeof it === 'object' &&
        Object.keys(it).sort().join() === 'index,name,reason' &&
        typeof it.name === 'string' &&
        typeof it.reason === 'string' &&
        (it.index === null || Number.isInteger(it.index));
      if (!ok) return `bad validation item ${JSON.stringify(it).slice(0, 120)}`;
    }
    return undefined;
  }
  if (status === 500) return typeof e.message === 'string' ? undefined : '500 message is not a string';
  return e.message === '' ? undefined : `message is not "" for ${status}`;
}

/** The secret parts of tokens a case sent: they must not come back either. */
function presentedSecrets(c: FuzzCase): string[] {
  return c.headers
    .filter(([k]) => k.toLowerCase() === 'x-bbk-auth-token')
    .map(([, v]) => secretOf(v))
    .filter((s) => s.length >= 20);
}

/**
 * Every invariant on one response. `issued`: whether this case's route issues a secret (then the
 * body may carry a new token, which the runner adds to the world's secrets after the check).
 */
export function check(w: World, c: FuzzCase, res: RawResponse, bounds: Bounds, issued: string[]): Violation[] {
  const out: Violation[] = [];
  if (res.ms > bounds.requestMs) out.push({ class: 'slow-request', detail: `${Math.round(res.ms)} ms` });
  if (res.outcome === 'timeout')
    return [...out, { class: 'no-answer', detail: `no response in ${bounds.requestMs} ms` }];
  if (res.outcome !== 'answered') {
    if (c.mayClose) return out;
    const what = res.partial.length ? `closed after ${res.partial.length} bytes` : 'closed with no bytes';
    return [
      ...out,
      { class: res.partial.length ? 'not-http' : 'silent-close', detail: res.error ? `${what} (${res.error})` : what },
    ];
  }
  if (res.status < 0) return [...out, { class: 'not-http', detail: res.body.subarray(0, 60).toString('latin1') }];
  const text = res.body.toString('utf8');
  let path = c.target.split(/[?#]/)[0]!;
  try {
    path = decodeURIComponent(path);
  } catch {}
  const devErrorTest =
    w.mode === 'development' &&
    (c.method === 'GET' || c.method === 'HEAD') &&
    /\/error\/test\/?$/i.test(path) &&
    res.status === 500;
  if (res.status >= 500 && !devErrorTest) {
    out.push({ class: 'server-error-5xx', detail: `${res.status} ${text.slice(0, 160)}` });
  }
  if (!SUCCESS.has(res.status) && !ERRORS.has(res.status) && res.status < 500) {
    out.push({ class: 'status-outside-spec', detail: `${res.status} ${text.slice(0, 120)}` });
  }
  if (res.status >= 400 && c.method !== 'HEAD') {
    const problem = errorShapeProblem(res.status, header(res, 'content-type'), text);
    if (problem) {
      out.push({
        class: 'error-not-standard-body',
        detail: `${res.status}: ${problem}: ${text.slice(0, 100) || '(empty)'}`,
        key: `${res.status}: ${problem}`,
      });
    }
  }
  if (
    devErrorTest &&
    c.method === 'GET' &&
    text !==
      JSON.stringify({
        error: { code: 500, status: 'Internal Server Error', message: 'test error message - please ignore' },
      })
  ) {
    out.push({ class: 'server-error-5xx', detail: `/error/test answered ${text.slice(0, 120)}` });
  }

  const everything = `${JSON.stringify(res.headers)}\n${text}`;
  for (const s of [...w.secrets, ...presentedSecrets(c)]) {
    if (s && everything.includes(s) && !issued.includes(s)) {
      out.push({
        class: 'secret-echoed',
        detail: `a secret of ${s.length} chars in the ${text.includes(s) ? 'body' : 'headers'}`,
      });
      break;
    }
  }

  if (c.fixturePolicy && res.status === 200) {
    const m = w.markers;
    if (text.includes(m.out))
      out.push({ class: 'out-of-policy-record', detail: 'an out-of-policy marker in the answer' });
    else if ([...w.fixture.outOfPolicy].some((id) => text.includes(id))) {
      out.push({ class: 'out-of-policy-record', detail: 'an out-of-policy public id in the answer' });
    }
    if (text.includes(m.masked)) out.push({ class: 'masked-value', detail: 'a masked value in the answer' });
    if (!c.stagedAllowed && text.includes(m.staged)) {
      out.push({ class: 'staged-record', detail: 'a staged record without x-bbk-connectors' });
    }
    if (c.maskProbe && text.trim() !== '[]') {
      out.push({ class: 'masked-path-inference', detail: `a masked-path query found records: ${text.slice(0, 100)}` });
    }
  }
  return out;
}
