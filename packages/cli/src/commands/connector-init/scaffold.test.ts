import { TEMPLATES_DIR } from '@bbk/connector-kit';
import { describe, expect, it } from 'vitest';
import { connectorSlug, planProject, SESSION_MODES, SOURCE_KINDS } from './scaffold.js';

const tarballs = { sdk: 'bbk-sdk-0.1.0.tgz', kit: 'bbk-connector-kit-0.1.0.tgz', server: 'bbk-server-0.1.0.tgz' };
const text = (files: ReturnType<typeof planProject>, path: string) =>
  String(files.find((f) => f.path === path)?.content ?? '');

describe('planProject', () => {
  for (const source of SOURCE_KINDS) {
    for (const webhook of [false, true]) {
      it(`renders a ${source} project ${webhook ? 'with' : 'without'} a webhook`, () => {
        const files = planProject(
          TEMPLATES_DIR,
          { name: 'my-connector', entity: 'station', mode: 'stream', source, webhook },
          tarballs,
        );
        const paths = files.map((f) => f.path);
        expect(paths).toEqual(
          expect.arrayContaining([
            '.gitignore',
            'README.md',
            'package.json',
            'tsconfig.json',
            'src/connector.ts',
            'src/entity-type.ts',
            'src/main.ts',
            'src/source.ts',
            'test/contract.test.ts',
          ]),
        );
        expect(paths.includes('src/webhook.ts')).toBe(webhook);
        expect(paths.some((p) => p.endsWith('.tmpl'))).toBe(false);
        expect(paths.some((p) => p.startsWith('data/'))).toBe(true);
        for (const file of files) expect(String(file.content), file.path).not.toMatch(/\{\{[#^/]?[\w-]+\}\}/);

        const pkg = JSON.parse(text(files, 'package.json'));
        expect(pkg.dependencies['@bbk/connector-kit']).toBe('file:vendor/bbk-connector-kit-0.1.0.tgz');
        expect(pkg.devDependencies['@bbk/server']).toBe('file:vendor/bbk-server-0.1.0.tgz');
        expect('better-sqlite3' in pkg.dependencies).toBe(source === 'sql');
        expect(text(files, 'src/entity-type.ts')).toContain("export const SESSION_MODE: SessionMode = 'stream';");
        expect(text(files, 'src/entity-type.ts').includes('footfall')).toBe(webhook);
        expect(text(files, 'test/contract.test.ts').includes('startWebhook')).toBe(webhook);
        expect(text(files, 'src/main.ts').includes('startWebhook')).toBe(webhook);
      });
    }
  }

  it('writes the mode and names into the code and README', () => {
    for (const mode of SESSION_MODES) {
      const files = planProject(
        TEMPLATES_DIR,
        { name: '@acme/Bus.Feed', entity: 'bus-stop', mode, source: 'json', webhook: false },
        tarballs,
      );
      expect(text(files, 'src/entity-type.ts')).toContain(`'${mode}'`);
      expect(text(files, 'src/entity-type.ts')).toContain("name: 'Bus Stop'");
      expect(text(files, 'README.md')).toContain('bbk connector add bus-stop bus-feed');
    }
  });
});

describe('connectorSlug', () => {
  it('makes a valid connector slug from any package name', () => {
    expect(connectorSlug('@acme/Weather.Stations')).toBe('weather-stations');
    expect(connectorSlug('x')).toBe('x-connector');
    expect(connectorSlug('123')).toBe('connector');
    expect(connectorSlug('a'.repeat(40))).toHaveLength(32);
  });
});
