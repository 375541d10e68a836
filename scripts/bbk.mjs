#!/usr/bin/env node
// `pnpm bbk <command>`: runs the bbk CLI from the workspace, building first when needed.
// The build (`tsc -b tsconfig.build.json`) runs only when a source file is newer than a package's
// build stamp (dist/.tsbuildinfo), and the bundling of the CLI (scripts/build-cli.mjs) only when the bundle is older
// than the CLI's dist/, so an up-to-date checkout starts at once. The CLI then runs as a
// child process with the same stdio; its exit code (or signal) becomes ours, and signals sent to this
// launcher are passed on to it (SIGINT and SIGQUIT only without a terminal: see `forward`).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildConfig = join(root, 'tsconfig.build.json');

/** Newest modification time (ms) of the files under `dir` that feed the build; test files do not. */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|json)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The package folders of the build, from the references of tsconfig.build.json. */
function packages() {
  const config = JSON.parse(readFileSync(buildConfig, 'utf8'));
  return (config.references ?? []).map((ref) => join(root, ref.path));
}

function stale(pkg) {
  const stamp = mtime(join(pkg, 'dist', '.tsbuildinfo'));
  if (stamp === 0) return true;
  const inputs = Math.max(
    newestSource(join(pkg, 'src')),
    mtime(join(pkg, 'tsconfig.json')),
    mtime(join(pkg, 'package.json')),
    mtime(join(root, 'tsconfig.base.json')),
  );
  return inputs > stamp;
}

const pkgs = packages();
if (pkgs.some(stale)) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', buildConfig], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('bbk: the build failed (see above); fix it or run `pnpm build`.\n');
    process.exit(build.status ?? 1);
  }
  // tsc -b leaves the stamp alone when the output did not change; touch it so the next run skips the check.
  const now = new Date();
  for (const pkg of pkgs) {
    try {
      utimesSync(join(pkg, 'dist', '.tsbuildinfo'), now, now);
    } catch {
      // a package without a stamp is rebuilt next time
    }
  }
}

// The bundled CLI (scripts/build-cli.mjs), when missing or older than the TypeScript build: it is what runs below.
const cliBuild = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], {
  cwd: root,
  stdio: ['ignore', 2, 2], // nothing on standard output, which `--json` commands keep for their answer
});
if (cliBuild.status !== 0) {
  process.stderr.write('bbk: bundling the CLI failed (see above); fix it or run `pnpm build`.\n');
  process.exit(cliBuild.status ?? 1);
}

// The web console's files, when missing or older than their sources (quick to check, a few seconds to build).
// The APIs run without them, so a failed console build only warns.
const consoleBuild = spawnSync(process.execPath, [join(root, 'scripts', 'build-console.mjs')], {
  cwd: root,
  stdio: ['ignore', 2, 2], // nothing on standard output, which `--json` commands keep for their answer
});
if (consoleBuild.status !== 0) process.stderr.write('bbk: the console build failed; the APIs run without it.\n');

const child = spawn(
  process.execPath,
  [join(root, 'packages', 'cli', 'dist', 'bundle', 'cli.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
// Ctrl+C and Ctrl+\ on a terminal signal the whole foreground process group: the CLI (same group) has its own
// SIGINT already, and a second one from here would cut its clean-up short (`bbk demo` would leave its data
// directory behind). So keyboard signals are passed on only when this launcher has no terminal, i.e. when
// they can only have come from `kill`.
const KEYBOARD = new Set(['SIGINT', 'SIGQUIT']);
const onTerminal = process.stdin.isTTY === true || process.stdout.isTTY === true || process.stderr.isTTY === true;
const forward = (signal) => {
  if (KEYBOARD.has(signal) && onTerminal) return;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of SIGNALS) process.on(signal, forward);
child.on('error', (error) => {
  process.stderr.write(`bbk: cannot run the CLI: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  for (const s of SIGNALS) process.removeListener(s, forward);
  // Die of the same signal, so callers see what happened to the CLI.
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
