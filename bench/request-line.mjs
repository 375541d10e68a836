#!/usr/bin/env node
// What one request line costs (its JSON text and its write to the log file), measured where it runs in a
// server: between the allocations and memory reads of the request around it, not in a loop that keeps
// everything in the CPU's caches (there a line costs about a third as much). Each iteration allocates about
// 10 KB of short-lived objects and reads 2,000 cache lines of a 1 MiB array (the "request"), then writes the
// line; the cost of a variant is its CPU time per iteration less that of the iterations without a line.
// Every variant runs in a fresh child process, alternating, so they all meet the machine in the same states.
//
//   pnpm build && node bench/request-line.mjs [--lines 200000] [--runs 6] [--baseline <built checkout dir>]
//
// Variants: `request` (the request alone, the reference), `format` (the line's text, not written),
// `write` (a fixed line of the same length written through the LogBuffer), `line` (RequestLog.write: both),
// and with --baseline, `before-line` (that build's RequestLog and LogBuffer). Not a test: it prints a
// table (bench/README.md#observability-overhead).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib.mjs';

const here = fileURLToPath(new URL('../packages/server/dist', import.meta.url));

/** The line of an entity detail, as the consumer surface logs it. */
const LINE = {
  method: 'GET',
  route: '/v1/entity/:type/:id',
  status: 200,
  callerKind: 'consumer',
  callerId: 3,
  policy: 'bench-policy',
  limitedBy: null,
};

/** One child: `--child <variant> <dist> <lines> <log file>`; prints the CPU µs per iteration. */
async function child([variant, dist, lines, file]) {
  const n = Number(lines);
  // pino as the server resolves it
  const { pino } = await import(pathToFileURL(createRequire(join(dist, '..', 'package.json')).resolve('pino')).href);
  const { RequestLog } = await import(pathToFileURL(join(dist, 'observability/request-log.js')).href);
  const { LogBuffer } = await import(pathToFileURL(join(dist, 'observability/log-buffer.js')).href);
  // builds before the byte chunks took a sonic-boom of pino's; later ones open the file themselves
  const out = LogBuffer.toString().includes('pino.destination')
    ? new LogBuffer(file)
    : new LogBuffer(pino.destination({ dest: file, sync: false, minLength: 1, maxWrite: 1024 * 1024 }));
  const logger = pino({ level: 'info' }, out);
  let kept = '';
  const log = new RequestLog(logger, variant === 'format' ? { write: (text) => (kept = text) } : out);
  const ids = Array.from({ length: 1024 }, () => crypto.randomUUID());
  const fixed = `{"level":30,"time":${Date.now()},"pid":${process.pid},"hostname":"bench","reqId":"${ids[0]}","method":"GET","route":"/v1/entity/:type/:id","url":"/v1/entity/country/gb","status":200,"durationMs":1.23,"callerKind":"consumer","callerId":3,"policy":"bench-policy","msg":"request"}\n`;
  const memory = new Float64Array(1 << 17);
  let sink = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    // the request: short-lived objects, and memory reads that push the line's code and data out of the caches
    const objects = [];
    for (let k = 0; k < 100; k++) objects.push({ k, text: `s${k}`, pair: [k, i] });
    for (let k = (i * 4099) & 0x1ffff, m = 0; m < 2000; m++, k = (k + 64) & 0x1ffff) sink += memory[k];
    sink += objects.length;
    const line = { ...LINE, reqId: ids[i & 1023], url: `/v1/entity/country/${i & 255}`, durationMs: (i % 997) / 100 };
    if (variant === 'write') out.write(fixed);
    else if (variant !== 'request') log.write('info', line);
    // a turn of the event loop now and then, so the file writes complete as in a server
    if ((i & 255) === 0) await new Promise((done) => setImmediate(done));
  }
  await out.close(true);
  const used = process.cpuUsage(started);
  process.stdout.write(`${(used.user + used.system) / n} ${sink > 0 && kept.length >= 0}\n`);
}

function main() {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '200000' },
      runs: { type: 'string', default: '6' },
      baseline: { type: 'string' },
    },
  });
  const variants = [
    ['request', here],
    ['format', here],
    ['write', here],
    ['line', here],
    ...(values.baseline ? [['before-line', resolve(values.baseline, 'packages/server/dist')]] : []),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'bbk-request-line-'));
  const results = new Map(variants.map(([v]) => [v, []]));
  try {
    for (let run = 0; run < Number(values.runs); run++) {
      // the order turns every run
      const order = variants.map((_, i) => variants[(i + run) % variants.length]);
      for (const [variant, dist] of order) {
        const r = spawnSync(
          process.execPath,
          [
            fileURLToPath(import.meta.url),
            '--child',
            variant === 'before-line' ? 'line' : variant,
            dist,
            values.lines,
            join(dir, `${variant}.log`),
          ],
          { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) },
        );
        if (r.status !== 0) throw new Error(`${variant}: ${r.stderr}`);
        results.get(variant).push(Number(r.stdout.split(' ')[0]));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const reference = median(results.get('request'));
  console.log(`${values.lines} iterations per run, ${values.runs} runs per variant, medians; CPU µs per iteration`);
  console.log("| variant | per iteration | the line's cost | runs |");
  console.log('| --- | ---: | ---: | --- |');
  for (const [variant, xs] of results) {
    const m = median(xs);
    const cost = variant === 'request' ? '' : `${(m - reference).toFixed(2)} µs`;
    console.log(`| ${variant} | ${m.toFixed(2)} µs | ${cost} | ${xs.map((x) => x.toFixed(2)).join(', ')} |`);
  }
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else main();
