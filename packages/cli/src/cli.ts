#!/usr/bin/env node
/**
 * The `bbk` executable. The command table is in program.ts (one `register.ts` per command folder); `main`
 * (lib/main.ts) runs it against this process's environment and streams, and this file alone sets the exit code.
 */
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with a WebAssembly module that V8 otherwise re-compiles with its optimising tier in the
// background, and the process waits for that at exit (about 0.2 s per command). The baseline tier is plenty for
// a command's few responses; the long-running servers of `start` and `demo` keep the optimising tier.
if (!process.argv.slice(2).some((arg) => arg === 'start' || arg === 'demo')) setFlagsFromString('--liftoff-only');

const [{ main }, { buildProgram }, { processIo }] = await Promise.all([
  import('./lib/main.js'),
  import('./program.js'),
  import('./lib/io.js'),
]);
// Sets the exit code rather than calling process.exit, so output is flushed.
process.exitCode = await main(process.argv, buildProgram, processIo());
