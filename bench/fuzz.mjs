#!/usr/bin/env node
// The fuzzer at a large size (see packages/server/tests/fuzz/README.md). No build needed: the
// fuzzer and the server run from their TypeScript sources through tsx, the server in its own
// process. Prints the counts (requests, statuses, violations by class) and, for each kind of
// finding, its smallest reproduction. Exits 1 when any invariant was violated.
//
//   node bench/fuzz.mjs --seed 7 --requests 50000 --concurrency 8
//   node bench/fuzz.mjs --mode development --scale 1 --minutes 10 --json /tmp/fuzz.json
//   node bench/fuzz.mjs --skip schema-bombs,hostile-records   # past the event-loop stalls, to find the rest
import { writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { parseArgs } from 'node:util';
import { register as registerTsx } from 'tsx/esm/api';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    scale: { type: 'string', default: '0.5' },
    mode: { type: 'string', default: 'both' },
    minutes: { type: 'string', default: '30' },
    'probe-ms': { type: 'string', default: '1000' },
    'request-ms': { type: 'string', default: '5000' },
    json: { type: 'string' },
    groups: { type: 'string', default: '100' },
    skip: { type: 'string', default: '' },
  },
});

registerTsx();
// the fuzzer imports the SDK's protocol subpath: resolve it to the source, as vitest's alias does
const protocol = new URL('../packages/sdk/src/protocol/index.ts', import.meta.url).href;
const hooks = `export async function resolve(specifier, context, next) {
  return next(specifier === '@bbk/sdk/protocol' ? ${JSON.stringify(protocol)} : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const fuzz = await import('../packages/server/tests/fuzz/index.ts');
const { spawnServer } = await import('../packages/server/tests/fuzz/server-process.ts');

const modes = args.mode === 'both' ? ['production', 'development'] : [args.mode];
const seed = Number(args.seed);
const reports = [];
let violations = 0;
for (const [i, mode] of modes.entries()) {
  const server = await spawnServer({ mode });
  const world = await fuzz.buildWorld({ urls: server.urls, mode, adminToken: server.bootstrapToken });
  console.log(`\n=== ${mode} mode, seed ${seed + i}, server pid ${server.pid}`);
  try {
    const report = await fuzz.runFuzz(world, {
      seed: seed + i,
      requests: Number(args.requests),
      concurrency: Number(args.concurrency),
      scale: Number(args.scale),
      bounds: { probeMs: Number(args['probe-ms']), requestMs: Number(args['request-ms']) },
      timeBudgetMs: Number(args.minutes) * 60_000,
      skip: args.skip.split(',').filter(Boolean),
      onProgress: (done, r) => {
        if (done % 5000 === 0) console.log(`  ${done} requests, ${r.violations} violations`);
      },
    });
    violations += report.violations;
    reports.push({ mode, ...report });
    console.log(fuzz.formatReport(report, Number(args.groups)));
  } finally {
    await world.close();
    await server.stop();
  }
}
if (args.json) writeFileSync(args.json, `${JSON.stringify(reports, null, 2)}\n`);
process.exit(violations === 0 ? 0 : 1);
