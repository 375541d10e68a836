/**
 * Entity type schemas are checked and compiled on a thread of their own: ajv's code generation
 * costs about 0.2 ms per property, so a large schema would otherwise hold up every request
 * while it compiles. The main thread only evaluates the generated code (cheap) and caches the
 * result by schema. One schema at a time, each bounded by `timeoutMs`; a schema still compiling
 * then cannot be loaded, and the thread is replaced. The bound counts from when a ready thread
 * takes the schema: starting the thread (loading ajv, slow on a loaded machine) is not the
 * schema's cost, so it never turns a valid schema into one that "cannot be loaded".
 */
import type { Worker } from 'node:worker_threads';
import { VALIDATION_REASONS, type ValidationItem } from '@bbk/sdk/protocol';
import { startWorker } from '../threads/start-worker.js';
import {
  isNode,
  type Loaded,
  loadSource,
  type RecordEntityValidator,
  type RecordValidatorSource,
  schemaKey,
} from './entity-schema.js';

const INVALID: ValidationItem[] = [{ name: 'schema', index: null, reason: VALIDATION_REASONS.invalidSchema }];
const CACHE_SIZE = 256;
const acceptAll: RecordEntityValidator = () => [];

/** Options of {@link SchemaCompiler}. */
export interface SchemaCompilerOptions {
  /** Longest a schema may take to compile before it counts as one that cannot be loaded. */
  timeoutMs?: number;
}

/** Checks and compiles user schemas off the event loop (see the module comment). */
export class SchemaCompiler {
  readonly #timeoutMs: number;
  readonly #cache = new Map<string, Promise<Loaded>>();
  #worker: { thread: Worker; ready: Promise<void> } | undefined;
  #turn: Promise<unknown> = Promise.resolve();
  #next = 0;

  constructor({ timeoutMs = 10_000 }: SchemaCompilerOptions = {}) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * The custom check of an entity type's `schema` (§2.4): `[]`, or the one item
   * `{ name: 'schema', index: null, reason: 'is not valid JSON schema' }`.
   */
  async check(schema: unknown): Promise<ValidationItem[]> {
    return (await this.#load(schema)).ok ? [] : INVALID;
  }

  /**
   * The check of upserted records' `entity` against an entity type's schema (§3.2). A schema
   * without keys, or one that cannot be loaded, accepts every entity.
   */
  async recordValidator(schema: unknown): Promise<RecordEntityValidator> {
    if (!isNode(schema) || Object.keys(schema).length === 0) return acceptAll;
    const { validate } = await this.#load(schema);
    return (entity, index) => validate(entity, index);
  }

  /** Stops the thread (a new one starts on the next schema). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.thread.terminate();
  }

  #load(schema: unknown): Promise<Loaded> {
    if (!isNode(schema)) return Promise.resolve(loadSource({ ok: false }));
    const key = schemaKey(schema);
    let loaded = this.#cache.get(key);
    if (!loaded) {
      loaded = this.#compile(schema).then(loadSource, () => {
        // the thread failed, not the schema: the next request tries again
        this.#cache.delete(key);
        return loadSource({ ok: false });
      });
      if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(key, loaded);
    }
    return loaded;
  }

  /** One schema at a time, so a timeout can only ever be the slow schema's own. */
  #compile(schema: Record<string, unknown>): Promise<RecordValidatorSource> {
    const result = this.#turn.then(() => this.#send(schema));
    this.#turn = result.catch(() => undefined);
    return result;
  }

  async #send(schema: Record<string, unknown>): Promise<RecordValidatorSource> {
    const { thread: worker, ready } = this.#thread();
    await ready;
    const id = this.#next++;
    return new Promise<RecordValidatorSource>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        void this.close();
        resolve({ ok: false });
      }, this.#timeoutMs);
      const onMessage = (m: { id: number; source: RecordValidatorSource }) => {
        if (m.id !== id) return;
        done();
        resolve(m.source);
      };
      const onError = (err: Error) => {
        done();
        this.#worker = undefined;
        reject(err);
      };
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, schema });
    });
  }

  #thread(): { thread: Worker; ready: Promise<void> } {
    if (!this.#worker) {
      const thread = startWorker('./schema-compiler-thread', import.meta.url);
      // an idle compiler thread never keeps the process alive
      thread.unref();
      // the thread says `{ ready: true }` once its modules are loaded; an error before that fails the schema's turn
      const ready = new Promise<void>((resolve, reject) => {
        const onReady = (m: { ready?: boolean }) => {
          if (m?.ready !== true) return;
          thread.off('message', onReady);
          thread.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          thread.off('message', onReady);
          if (this.#worker?.thread === thread) this.#worker = undefined;
          reject(err);
        };
        thread.on('message', onReady);
        thread.once('error', onError);
      });
      this.#worker = { thread, ready };
    }
    return this.#worker;
  }
}
