// Instruction counts of a server process under valgrind's callgrind (bench/overhead.mjs --instructions): how much
// work a request costs, counted rather than timed, so the figure does not move with what else the machine does.
// callgrind counts the instructions of every thread of the process in user space (the kernel's are not counted),
// and can be zeroed and dumped while the process runs (`callgrind_control`), so a window of requests is measured
// after the warm-up. JIT-compiled JavaScript has no symbols: with node's `--perf-basic-prof` its code addresses are
// named from the map file node writes (/tmp/perf-<pid>.map).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Throws a clear error when valgrind's tools are not installed. */
export function requireCallgrind() {
  for (const tool of ['valgrind', 'callgrind_control', 'callgrind_annotate']) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (r.error) throw new Error(`--instructions needs ${tool} (Debian: apt-get install valgrind)`);
  }
}

/**
 * The command that runs `node` under callgrind, writing its dumps to `outFile.<n>` (no cache simulation: only
 * instructions are counted, about 50 times slower than natively). `named`: node also writes its JIT map.
 */
export function callgrindCommand(outFile, named) {
  return [
    'valgrind',
    '--tool=callgrind',
    '--cache-sim=no',
    `--callgrind-out-file=${outFile}`,
    process.execPath,
    ...(named ? ['--perf-basic-prof'] : []),
  ];
}

function control(args) {
  const r = spawnSync('callgrind_control', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${r.stderr || r.stdout}`);
}

/** Sets the process's counts to zero (the start of a measured window). */
export function zeroCounts(pid) {
  control(['-z', String(pid)]);
}

/**
 * Dumps the counts since the last zero; returns the dump's file and its total of instructions (every thread).
 * callgrind names each dump `<outFile>.<n>`, n counting from 1.
 */
export function dumpCounts(pid, outFile) {
  const dir = dirname(outFile);
  const before = new Set(readdirSync(dir));
  control(['-d', String(pid)]);
  const prefix = `${basename(outFile)}.`;
  const file = readdirSync(dir).find((f) => f.startsWith(prefix) && !before.has(f) && /\.\d+$/.test(f));
  if (!file) throw new Error(`callgrind wrote no dump for ${pid}`);
  const text = readFileSync(join(dir, file), 'utf8');
  const totals = /^totals: (\d+)/m.exec(text) ?? /^summary: (\d+)/m.exec(text);
  if (!totals) throw new Error(`no totals in ${file}`);
  return { file: join(dir, file), instructions: Number(totals[1]) };
}

/** The JIT map node writes with --perf-basic-prof (start, size, name), sorted by start (`removeJitMap` deletes it). */
function jitMap(pid) {
  const path = `/tmp/perf-${pid}.map`;
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      return { start: Number.parseInt(start, 16), size: Number.parseInt(size, 16), name: name.join(' ') };
    })
    .sort((a, b) => a.start - b.start);
}

/** Removes the JIT map file of a process. */
export function removeJitMap(pid) {
  rmSync(`/tmp/perf-${pid}.map`, { force: true });
}

/** The JIT map entry holding `address` (the last one to start at or before it), if any. */
function jitName(entries, address) {
  let lo = 0;
  let hi = entries.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].start <= address) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const e = entries[found];
  return e && address < e.start + e.size ? e.name : undefined;
}

/**
 * The outermost frames (process and thread entry, node's event loop), which callgrind_annotate lists with about
 * everything under them: with JIT code it cannot follow, their "self" cost is not their own.
 */
const OUTERMOST =
  /SpinEventLoopInternal|^__libc_start_main|^\(below main\)$|^main$|NodeMainInstance::Run|^node::Start\(|^start_thread$|^clone$/;

/**
 * Instructions spent in each function itself (not in what it calls), summed over the dump files of one process;
 * a JIT-compiled function named from the process's map (`JS:*name file:line` as node writes it). Approximate:
 * callgrind cannot always tell where JIT code calls and returns, so read differences of a few hundred
 * instructions per request as noise.
 */
export function selfCosts(files, pid) {
  const entries = jitMap(pid);
  const costs = new Map();
  for (const file of files) {
    const r = spawnSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`callgrind_annotate ${file}: ${r.stderr}`);
    for (const line of r.stdout.split('\n')) {
      const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*)$/.exec(line);
      if (!m || m[2].includes('PROGRAM TOTALS')) continue;
      const raw = m[2];
      const jit = /^\?\?\?:0x([0-9a-f]+)(?:'\d+)? \[\?\?\?\]$/.exec(raw);
      // `file:function [object]`, the file a path or ???
      const name = jit
        ? (jitName(entries, Number.parseInt(jit[1], 16)) ?? raw)
        : raw.replace(/^(?:\?\?\?|[^ :]*\.(?:c|S|h|cc|cpp)):/, '').replace(/ \[[^\]]*\]$/, '');
      if (OUTERMOST.test(name) || raw.includes('ld-linux')) continue;
      costs.set(name, (costs.get(name) ?? 0) + Number(m[1].replaceAll(',', '')));
    }
  }
  return costs;
}
