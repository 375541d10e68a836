import { type FuzzCase, makeCase } from './cases.js';
import { type Bounds, check, type Violation, type ViolationClass } from './invariants.js';
import { buildRequest, RawHttp, type RawResponse, type Target } from './raw-http.js';
import type { Surface, World } from './world.js';

export interface FuzzOptions {
  seed: number;
  /** How many cases to send. */
  requests: number;
  /** Cases in flight at once. */
  concurrency: number;
  /** 0–1: bounds huge values (1 = 2 M-character strings, 100k-item arrays). */
  scale: number;
  bounds: Bounds;
  /** Stop sending new cases after this long (the run still finishes those in flight). */
  timeBudgetMs?: number;
  /** Interval of the announce probe on each listener. Default 100 ms. */
  probeIntervalMs?: number;
  /** Generator families to leave out (`schema-bombs`, `hostile-records`): see `draft`. */
  skip?: readonly string[];
  /** Progress line every this many cases (script use). */
  onProgress?: (done: number, report: FuzzReport) => void;
}

/** The smallest request seen for a finding, enough to reproduce it by hand. */
export interface Repro {
  index: number;
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: string;
  notes: string[];
  status: number | string;
  response: string;
  size: number;
}

export interface Finding {
  class: ViolationClass;
  route: string;
  /** Every route where this finding showed, with counts. */
  routes: Record<string, number>;
  detail: string;
  count: number;
  example: Repro;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  rawRequests: number;
  durationMs: number;
  /** Status (or outcome: `closed`, `timeout`) → count. */
  statuses: Record<string, number>;
  probes: { count: number; maxMs: number };
  /** Cases sent per route template, and how many of them succeeded (2xx/304): the fuzzer's reach. */
  routes: Record<string, { sent: number; ok: number }>;
  /** How often the policy invariants had something to check: 200 answers under the fixture policy, masked-path probes among them. */
  policyChecks: { answers: number; maskProbes: number };
  /** Grouped by class, route and kind of detail. */
  findings: Finding[];
  violations: number;
  /** Cases the generators failed to build (a fuzzer bug, not a server finding). */
  generatorErrors: string[];
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function repro(c: FuzzCase, res: RawResponse | undefined): Repro {
  const body = c.raw ?? c.body;
  return {
    index: c.index,
    method: c.method,
    target: cut(c.target, 160),
    // token secrets stay out of reports: the kind is enough, the notes say how the token was wrong
    headers: c.headers
      .slice(0, 8)
      .map(([k, v]) => [k, k === 'x-bbk-auth-token' ? `${v.split('.')[0]}.…` : cut(v, 80)] as [string, string]),
    body: body ? cut(body.toString('latin1').replace(/(x-bbk-auth-token: [a-z]*\.)\S+/g, '$1…'), 200) : '',
    notes: c.notes,
    status: res ? (res.outcome === 'answered' ? res.status : res.outcome) : 'in flight',
    response: res ? cut((res.outcome === 'answered' ? res.body : res.partial).toString('utf8'), 240) : '',
    size: (body?.length ?? 0) + c.target.length + c.headers.reduce((s, [k, v]) => s + k.length + v.length, 0),
  };
}

const fold = (s: string, n: number) =>
  s
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\d+/g, 'N')
    .slice(0, n);

/** What kind of answer this was, folded: the error `code` Fastify put in a foreign body, or its text. */
function answerKey(res: RawResponse | undefined): string {
  if (res?.outcome !== 'answered') return res?.outcome ?? '';
  const text = res.body.toString('utf8');
  if (!text) return `${res.status} (empty body)`;
  try {
    const j = JSON.parse(text) as Record<string, unknown> & { error?: { message?: unknown } };
    if (typeof j.error?.message === 'string') return `${res.status} ${fold(j.error.message, 60)}`;
    if (typeof j.code === 'string') return `${res.status} ${j.code}`;
    if (typeof j.message === 'string') return `${res.status} ${fold(j.message, 60)}`;
  } catch {}
  return `${res.status} ${fold(text, 40)}`;
}

/**
 * Groups findings so that one bug gives one group: by class and the kind of answer (error shape,
 * server errors), or by route and the mutations that made the case (timing, leaks, closes).
 */
function signature(v: Violation, c: FuzzCase, res: RawResponse | undefined): string {
  const kind = c.notes
    .filter((n) => !n.startsWith('token'))
    .map((n) => fold(n.replace(/ at .*$/, ''), 40))
    .join('; ');
  switch (v.class) {
    case 'error-not-standard-body':
    case 'status-outside-spec':
      return `${v.class}|${answerKey(res)}|${fold(v.key ?? v.detail, 60)}`;
    case 'slow-probe':
      return `${v.class}|${c.route}|${kind}`;
    case 'server-error-5xx': {
      const key = answerKey(res);
      return /\(empty body\)|500 $/.test(key) || key.endsWith('"…"')
        ? `${v.class}|${c.route}|${kind}`
        : `${v.class}|${key}`;
    }
    default:
      return `${v.class}|${c.route}|${kind}`;
  }
}

const ISSUING =
  /^(POST \/entity\/:eid\/connector\/:cid|PUT \/entity\/:eid\/connector\/:cid\/token|POST \/user\/:uid\/access\/:pid|PUT \/user\/:uid\/access\/:pid|POST \/user\/:uid\/coordinator)$/;

/** Secrets a response issues (new tokens, a webhook secret), not already known. */
function issuedBy(w: World, c: FuzzCase, res: RawResponse): string[] {
  if (res.outcome !== 'answered' || res.status >= 300 || !ISSUING.test(c.route)) return [];
  const text = res.body.toString('utf8');
  const found = [...text.matchAll(/(?:coordinator|contributor|consumer)\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)/g)].map(
    (m) => m[1]!,
  );
  const hook = /"webhook_secret":"([^"]+)"/.exec(text)?.[1];
  return [...found, ...(hook ? [hook] : [])].filter((s) => !w.secrets.has(s));
}

/** Learns from well-formed successes: open session ids, created resources (the targets of later writes). */
function learn(w: World, c: FuzzCase, res: RawResponse): void {
  if (res.outcome !== 'answered' || c.raw || c.notes.some((n) => !n.startsWith('token'))) return;
  const seg = c.draftPath.split('/');
  const text = res.body.toString('utf8');
  const cap = <T>(list: T[], v: T) => {
    list.push(v);
    if (list.length > 40) list.shift();
  };
  if (c.surface === 'contributor') {
    const s = w.sessions.find((x) => x.cid === seg[2]);
    if (!s) return;
    if (c.route.includes('/open/') && res.status === 200) s.sid = JSON.parse(text) as string;
    if (c.route.includes('/close/') && res.status === 200 && s.sid === seg[4]) s.sid = undefined;
    return;
  }
  if (c.surface !== 'coordinator' || res.status !== 201) return;
  if (c.route === 'POST /entity/:eid') cap(w.owned.entityTypes, seg[2]!);
  if (c.route === 'POST /entity/:eid/connector/:cid') cap(w.owned.connectors, { eid: seg[2]!, slug: seg[4]! });
  if (c.route === 'POST /policy/:pid') cap(w.owned.policies, seg[2]!);
  if (c.route === 'POST /user') {
    const id = Number((res.headers.location?.[0] ?? '').split('/').pop());
    if (Number.isInteger(id)) cap(w.owned.users, id);
  }
}

function targetOf(w: World, s: Surface): Target {
  const u = new URL(w.urls[s]);
  return { host: u.hostname, port: Number(u.port) };
}

/**
 * Runs the fuzzer against a server whose world is built: `requests` cases, `concurrency` at a
 * time, every invariant checked on every answer, an announce probe on each listener meanwhile.
 * @example const report = await runFuzz(world, { seed: 1, requests: 2000, concurrency: 6, scale: 0.1, bounds });
 */
export async function runFuzz(w: World, o: FuzzOptions): Promise<FuzzReport> {
  const http = new RawHttp();
  const probeHttp = new RawHttp();
  const started = performance.now();
  const report: FuzzReport = {
    seed: o.seed,
    requests: 0,
    rawRequests: 0,
    durationMs: 0,
    statuses: {},
    probes: { count: 0, maxMs: 0 },
    routes: {},
    policyChecks: { answers: 0, maskProbes: 0 },
    findings: [],
    violations: 0,
    generatorErrors: [],
  };
  const groups = new Map<string, Finding>();
  const inFlight = new Map<number, { c: FuzzCase; at: number }>();
  const record = (v: Violation, c: FuzzCase, res: RawResponse | undefined) => {
    report.violations++;
    const key = signature(v, c, res);
    const ex = repro(c, res);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        class: v.class,
        route: c.route,
        routes: { [c.route]: 1 },
        detail: v.detail,
        count: 1,
        example: ex,
      });
      return;
    }
    g.count++;
    g.routes[c.route] = (g.routes[c.route] ?? 0) + 1;
    if (ex.size < g.example.size) {
      g.example = ex;
      g.detail = v.detail;
      g.route = c.route;
    }
  };

  // ---- the announce probes: one keep-alive connection per listener, a valid token
  let probing = true;
  const probes = (['coordinator', 'contributor', 'consumer'] as Surface[]).map(async (s) => {
    const url = new URL(w.urls[s]);
    const token = w.mode === 'production' ? w.tokens[s][0] : undefined;
    const bytes = buildRequest({
      method: 'GET',
      path: url.pathname,
      host: url.host,
      headers: token ? [['x-bbk-auth-token', token]] : [],
    });
    while (probing) {
      const res = await probeHttp.send(targetOf(w, s), bytes, { timeoutMs: o.bounds.requestMs + 1000 });
      report.probes.count++;
      report.probes.maxMs = Math.max(report.probes.maxMs, res.ms);
      if (res.ms > o.bounds.probeMs || res.outcome !== 'answered' || res.status !== 200) {
        if (process.env.BBK_FUZZ_TRACE === '1')
          process.stderr.write(`trace probe ${s}: ${res.outcome} ${res.status}\n`);
        // the culprit is most likely the biggest request in flight (the others are waiting behind it)
        const flying = [...inFlight.values()].map((f) => f.c);
        const size = (c: FuzzCase) => ((c.raw ?? c.body)?.length ?? 0) + c.target.length;
        const shown: FuzzCase = flying.sort((a, b) => size(b) - size(a))[0] ?? {
          index: -1,
          surface: s,
          route: 'probe',
          method: 'GET',
          draftPath: '',
          target: '',
          headers: [],
          notes: [],
          fixturePolicy: false,
          maskProbe: false,
          stagedAllowed: false,
        };
        const what = `${s} announce took ${Math.round(res.ms)} ms (${res.outcome} ${res.status})`;
        const others = flying.map((c) => `#${c.index} ${c.route}`).join(', ');
        record(
          { class: 'slow-probe', detail: `${what}; in flight: ${others}; the biggest is shown` },
          shown,
          undefined,
        );
      }
      await new Promise((r) => setTimeout(r, o.probeIntervalMs ?? 100));
    }
  });

  let next = 0;
  const skip = new Set(o.skip ?? []);
  const trace = process.env.BBK_FUZZ_TRACE === '1';
  const deadline = o.timeBudgetMs ? started + o.timeBudgetMs : Number.POSITIVE_INFINITY;
  const worker = async () => {
    while (next < o.requests && performance.now() < deadline) {
      const index = next++;
      let c: FuzzCase;
      try {
        c = makeCase(w, o.seed, index, o.scale, skip);
      } catch (err) {
        // a generator bug must not end a long run: count it and go on
        report.generatorErrors.push(`case #${index}: ${String(err).slice(0, 200)}`);
        continue;
      }
      const target = targetOf(w, c.surface);
      const bytes =
        c.raw ??
        buildRequest({
          method: c.method,
          path: c.target,
          host: `${target.host}:${target.port}`,
          headers: c.headers,
          ...(c.body ? { body: c.body } : {}),
        });
      inFlight.set(index, { c, at: performance.now() });
      const res = await http.send(target, bytes, {
        timeoutMs: o.bounds.requestMs + 1000,
        fresh: c.raw !== undefined || c.headers.length > 50,
        ...(c.halfClose ? { halfClose: true } : {}),
        headOnly: c.method === 'HEAD',
      });
      inFlight.delete(index);
      report.requests++;
      if (c.raw) report.rawRequests++;
      const key = res.outcome === 'answered' ? String(res.status) : res.outcome;
      report.statuses[key] = (report.statuses[key] ?? 0) + 1;
      const ok = res.outcome === 'answered' && ((res.status >= 200 && res.status < 300) || res.status === 304);
      const route = report.routes[c.route] ?? { sent: 0, ok: 0 };
      report.routes[c.route] = route;
      route.sent++;
      if (ok) route.ok++;
      if (c.fixturePolicy && res.outcome === 'answered' && res.status === 200) {
        report.policyChecks.answers++;
        if (c.maskProbe) report.policyChecks.maskProbes++;
      }
      const issued = issuedBy(w, c, res);
      for (const v of check(w, c, res, o.bounds, issued)) record(v, c, res);
      for (const s of issued) w.secrets.add(s);
      learn(w, c, res);
      // BBK_FUZZ_TRACE=1: every successful write, to see what a run changed
      if (trace && ok && c.method !== 'GET' && c.method !== 'HEAD') {
        process.stderr.write(`trace #${index} ${c.method} ${c.target.slice(0, 160)} → ${res.status}\n`);
      }
      if (o.onProgress && report.requests % 1000 === 0) o.onProgress(report.requests, report);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    probing = false;
    await Promise.all(probes);
    http.close();
    probeHttp.close();
  }
  report.durationMs = Math.round(performance.now() - started);
  report.findings = [...groups.values()].sort((a, b) => a.class.localeCompare(b.class) || b.count - a.count);
  return report;
}

/** A plain-text summary: counts, statuses, and each finding group with its smallest reproduction. */
export function formatReport(r: FuzzReport, max = 100): string {
  const lines = [
    `seed ${r.seed}: ${r.requests} requests (${r.rawRequests} raw malformed) in ${(r.durationMs / 1000).toFixed(1)} s`,
    `statuses: ${Object.entries(r.statuses)
      .sort()
      .map(([k, v]) => `${k}×${v}`)
      .join(' ')}`,
    `probes: ${r.probes.count}, slowest ${Math.round(r.probes.maxMs)} ms`,
    `routes: ${Object.keys(r.routes).filter((k) => !k.startsWith('raw:')).length} templates, ${Object.keys(r.routes).filter((k) => k.startsWith('raw:')).length} raw recipes; policy checks on ${r.policyChecks.answers} fixture-policy answers (${r.policyChecks.maskProbes} masked-path probes)`,
    `violations: ${r.violations} in ${r.findings.length} groups`,
    ...(r.generatorErrors.length
      ? [`generator errors: ${r.generatorErrors.length}, first ${r.generatorErrors[0]}`]
      : []),
  ];
  const byClass = new Map<string, number>();
  for (const f of r.findings) byClass.set(f.class, (byClass.get(f.class) ?? 0) + f.count);
  for (const [k, v] of byClass) lines.push(`  ${k}: ${v}`);
  for (const f of r.findings.slice(0, max)) {
    const e = f.example;
    const routes = Object.entries(f.routes).sort((a, b) => b[1] - a[1]);
    lines.push(
      '',
      `[${f.class}] ×${f.count}: ${f.detail}`,
      `  routes: ${routes
        .slice(0, 6)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}${routes.length > 6 ? `, … ${routes.length} in all` : ''}`,
      `  case #${e.index}: ${e.method} ${e.target}`,
      ...(e.notes.length ? [`  made by: ${e.notes.join('; ')}`] : []),
      ...(e.headers.length ? [`  headers: ${e.headers.map(([k, v]) => `${k}: ${v}`).join(' | ')}`] : []),
      ...(e.body ? [`  body: ${JSON.stringify(e.body)}`] : []),
      `  → ${e.status} ${JSON.stringify(e.response)}`,
    );
  }
  if (r.findings.length > max) lines.push('', `… ${r.findings.length - max} more groups`);
  return lines.join('\n');
}
