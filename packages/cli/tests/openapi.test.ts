import { buildOpenApiDocument } from '@bbk/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { bbk } from './helpers.js';

describe('bbk openapi', () => {
  it('prints the document a server serves at /v1/openapi.json, for the API asked', async () => {
    const r = await bbk(['openapi', '--api', 'consumer', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(buildOpenApiDocument({ surface: 'consumer', basePath: 'v1' }));
  });

  it('defaults to the Coordinator API, follows --base-path, and prints YAML with -o yaml', async () => {
    const human = await bbk(['openapi', '--base-path', '/']);
    expect(human.code).toBe(0);
    const doc = JSON.parse(human.stdout) as { info: { title: string }; paths: Record<string, unknown> };
    expect(doc.info.title).toBe('bbk Coordinator API');
    expect(Object.keys(doc.paths)).toContain('/entity/{eid}');
    const yaml = await bbk(['openapi', '--api', 'contributor', '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^openapi: 3\.1\.0$/m);
    expect(yaml.stdout).toContain('/v1/connector/{cid}/session/open/{mode}:');
  });

  it('refuses an unknown API (usage, exit 2)', async () => {
    const r = await bbk(['openapi', '--api', 'gateway']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/coordinator, contributor, consumer/);
  });
});
