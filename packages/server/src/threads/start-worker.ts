import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `name` (without extension) beside `importMetaUrl`.
 * Built code runs `name.js`; the tests run the TypeScript sources, which the worker loads
 * through tsx's loader (a dev dependency, present wherever sources run).
 * @example startWorker('./writer-thread', import.meta.url, { file })
 */
export function startWorker(name: string, importMetaUrl: string, workerData?: unknown): Worker {
  const sources = importMetaUrl.endsWith('.ts');
  const entry = new URL(`${name}${sources ? '.ts' : '.js'}`, importMetaUrl);
  if (!sources) return new Worker(entry, { workerData });
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
    { eval: true, workerData },
  );
}
