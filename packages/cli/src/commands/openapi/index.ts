import { type ApiSurface, buildOpenApiDocument } from '@bbk/sdk/protocol';
import type { CommandContext } from '../../lib/context.js';
import type { Output } from '../../lib/output.js';

/**
 * `bbk openapi [--api consumer] [--base-path v1]`: the OpenAPI 3.1 document of one API, built from the same
 * JSON Schemas the server validates with. Pretty JSON for people, the document itself with `--json`, YAML with `-o yaml`.
 */
export async function openapi(options: { api: ApiSurface; basePath: string }, _ctx: CommandContext): Promise<Output> {
  const basePath = options.basePath.replace(/^\/+|\/+$/g, '');
  const document = buildOpenApiDocument({ surface: options.api, basePath });
  return { data: document, view: `${JSON.stringify(document, null, 2)}\n` };
}
