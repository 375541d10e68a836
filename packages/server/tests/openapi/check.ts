// Validates recorded answers (src/http/openapi/record.ts) against the OpenAPI documents of
// @bbk/sdk/protocol with ajv in the 2020-12 dialect, as OpenAPI 3.1 uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ApiSurface,
  buildOpenApiDocument,
  errorBodySchema,
  type OpenApiDocument,
  openApiPath,
  type ResponseDoc,
} from '@bbk/sdk/protocol';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import type { RecordedResponse } from '../../src/http/openapi/record.js';

const addFormats = formatsPlugin.default;

/** What a check of recorded answers found. */
export interface CheckSummary {
  /** Answers validated against their operation. */
  checked: number;
  /** HEAD answers and CORS preflights, which the documents describe in prose only. */
  skipped: number;
  /** Answers of no route (404s, undecodable paths), validated as standard error bodies. */
  unrouted: number;
  /** One line per mismatch: what, where, why. */
  failures: string[];
  /** `surface METHOD path status` of every documented answer seen. */
  seen: Set<string>;
}

/** The operation's answer for a status: exact, `4XX`-style, then `default` (for errors only). */
function responseFor(responses: Record<string, ResponseDoc>, status: number): ResponseDoc | undefined {
  return responses[status] ?? responses[`${String(status)[0]}XX`] ?? (status >= 400 ? responses.default : undefined);
}

/** Checks recorded answers one by one, compiling each schema once. */
export class OpenApiChecker {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #docs = new Map<string, { id: string; doc: OpenApiDocument }>();
  readonly #validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.#ajv);
  }

  #document(surface: ApiSurface, basePath: string) {
    const key = `${surface}:${basePath}`;
    let entry = this.#docs.get(key);
    if (!entry) {
      const doc = buildOpenApiDocument({ surface, basePath });
      const id = `https://bbk.invalid/openapi/${surface}/${basePath || '-'}`;
      this.#ajv.addSchema({ $id: id, $defs: this.#local(id, doc.components.schemas) });
      entry = { id, doc };
      this.#docs.set(key, entry);
    }
    return entry;
  }

  /** Rewrites `#/components/schemas/X` to the registered document's `$defs/X`. */
  #local<T>(id: string, schema: T): T {
    return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${id}#/$defs/`)) as T;
  }

  #validate(id: string, schema: unknown, value: unknown): string | null {
    const key = `${id} ${JSON.stringify(schema)}`;
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#ajv.compile(this.#local(id, schema as object));
      this.#validators.set(key, validate);
    }
    if (validate(value)) return null;
    return this.#ajv.errorsText(validate.errors, { dataVar: 'body' });
  }

  /** `null` when the answer matches its document, else why not; `'skip'` for what is not checked. */
  check(r: RecordedResponse): string | null | 'skip' {
    if (r.method === 'HEAD' || r.method === 'OPTIONS') return 'skip';
    const { id, doc } = this.#document(r.surface, r.basePath);
    if (r.route === null) {
      if (r.status < 400) return `unrouted ${r.status}`;
      return this.#body(
        id,
        {
          description: '',
          content: { 'application/json': { schema: errorBodySchema(r.status) } },
        },
        r,
      );
    }
    const op = doc.paths[openApiPath(r.route)]?.[r.method.toLowerCase()];
    if (!op) return 'undocumented route';
    const response = responseFor(op.responses, r.status);
    if (!response) return `undocumented status ${r.status}`;
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = r.headers[name];
      if (value === undefined) {
        if (header.required) return `missing header ${name}`;
        continue;
      }
      const why = this.#validate(id, header.schema, value);
      if (why) return `header ${name}: ${why}`;
    }
    return this.#body(id, response, r);
  }

  #body(id: string, response: ResponseDoc, r: RecordedResponse): string | null {
    if (!response.content) return r.body === '' || r.body === null ? null : `unexpected body ${r.body.slice(0, 80)}`;
    const type = (r.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const media = response.content[type];
    if (!media) return `content type ${r.contentType} not in ${Object.keys(response.content).join(', ')}`;
    if (r.body === null) return null; // too large to record
    let value: unknown = r.body;
    if (type === 'application/json') {
      try {
        value = JSON.parse(r.body);
      } catch {
        return `not JSON: ${r.body.slice(0, 80)}`;
      }
    }
    return this.#validate(id, media.schema, value);
  }

  /** Checks every line of the `*.jsonl` files of a directory. */
  checkDirectory(dir: string): CheckSummary {
    const summary: CheckSummary = { checked: 0, skipped: 0, unrouted: 0, failures: [], seen: new Set() };
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
      const lines = readFileSync(join(dir, name), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!line) return;
        let r: RecordedResponse;
        try {
          r = JSON.parse(line) as RecordedResponse;
        } catch {
          // a process killed while writing leaves at most its last line cut short
          if (i < lines.length - 2) summary.failures.push(`${name}:${i + 1}: unreadable line`);
          return;
        }
        this.checkOne(r, summary);
      });
    }
    return summary;
  }

  /** Checks one answer into a summary. */
  checkOne(r: RecordedResponse, summary: CheckSummary): void {
    let why: ReturnType<OpenApiChecker['check']>;
    try {
      why = this.check(r);
    } catch (err) {
      why = `check failed: ${(err as Error).message}`;
    }
    if (why === 'skip') {
      summary.skipped += 1;
      return;
    }
    if (r.route === null) summary.unrouted += 1;
    else summary.checked += 1;
    const where = `${r.surface} ${r.method} ${r.route ?? '(no route)'} ${r.status}`;
    if (why) summary.failures.push(`${where}: ${why}\n    body: ${(r.body ?? '(not recorded)').slice(0, 300)}`);
    else if (r.route !== null) summary.seen.add(where);
  }
}
