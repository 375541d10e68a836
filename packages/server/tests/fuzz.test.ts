import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, formatReport, runFuzz, type World } from './fuzz/index.js';
import { type ServerProcess, spawnServer } from './fuzz/server-process.js';

/**
 * The fuzzer at a small size (see tests/fuzz/README.md): every route of the three APIs, valid
 * and mutated requests, raw malformed HTTP, tokens of every kind, with concurrency, against a
 * real server in its own process. Any violation of an invariant fails the test; the report lists
 * each kind with its smallest reproduction. `BBK_FUZZ_SEED` and `BBK_FUZZ_REQUESTS` override.
 */
const SEED = Number(process.env.BBK_FUZZ_SEED ?? 1313);
const REQUESTS = Number(process.env.BBK_FUZZ_REQUESTS ?? 3000);
/** An announce answers in about a millisecond; 1 s means the event loop was blocked. */
const bounds = { probeMs: 1000, requestMs: 5000 };

/** Every route the server declares (`app.get('/path', …)` in src/http/ and its folders), as `METHOD /path`. */
function declaredRoutes(): string[] {
  const dir = new URL('../src/http/', import.meta.url);
  const out: string[] = [];
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    // the metrics listener is not one of the three APIs (off by default; observability.test.ts scrapes it)
    if (!file.endsWith('.ts') || file.endsWith('metrics-surface.ts')) continue;
    const text = readFileSync(new URL(file, dir), 'utf8');
    for (const m of text.matchAll(/\b(?:app|api)\.(get|post|put|delete|patch)\(\s*'([^']+)'/g)) {
      out.push(`${m[1]!.toUpperCase()} ${m[2]}`);
    }
  }
  return out;
}

/** Whether a fuzz route name (`POST /connector/:cid/session/:sid/upsert`) exercises a declared template. */
function covers(declared: string, fuzzed: string): boolean {
  const [dm, dp = ''] = declared.split(' ');
  const [fm, fp = ''] = fuzzed.split(' ');
  const ds = dp.split('/');
  const fs = fp.split('/');
  return dm === fm && ds.length === fs.length && ds.every((seg, i) => seg.startsWith(':') || seg === fs[i]);
}

for (const mode of ['production', 'development'] as const) {
  describe(`fuzz, ${mode} mode`, () => {
    let server: ServerProcess;
    let world: World;
    beforeAll(async () => {
      server = await spawnServer({ mode });
      world = await buildWorld({ urls: server.urls, mode, adminToken: server.bootstrapToken });
    });
    afterAll(async () => {
      await world?.close();
      await server?.stop();
    });

    it(`keeps every invariant over ${REQUESTS} requests`, { timeout: 90_000 }, async () => {
      const report = await runFuzz(world, {
        seed: mode === 'production' ? SEED : SEED + 1,
        requests: REQUESTS,
        concurrency: 6,
        scale: 0.1,
        bounds,
        timeBudgetMs: 15_000,
      });
      const text = formatReport(report, 60);
      console.log(text);
      // the fuzzer's reach (soft: a server that stalls also cuts the run short, and the violations say why):
      // enough requests, every declared route, answers for the policy invariants to check
      expect.soft(report.requests).toBeGreaterThan(Math.min(REQUESTS, 500));
      const missing = declaredRoutes().filter((d) => !Object.keys(report.routes).some((f) => covers(d, f)));
      expect.soft(missing).toEqual([]);
      expect.soft(report.policyChecks.answers).toBeGreaterThan(20);
      expect.soft(report.policyChecks.maskProbes).toBeGreaterThan(0);
      expect.soft(report.generatorErrors).toEqual([]);
      expect(report.violations, text).toBe(0);
    });
  });
}
