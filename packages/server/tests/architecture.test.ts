// The layering of packages/server/src enforces itself (docs/ARCHITECTURE.md):
// http -> services -> (policy, query, storage, geo, validation, webhooks, limits, auth, threads),
// nothing imports http/ but the entry point, and no two folders import each other, directly or
// through others. Type-only imports count: a type that runs back up is an arrow that runs back up.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Top-level folder of a source file ('.' for files directly in src/). */
const folderOf = (file: string): string => {
  const rel = relative(SRC, file).split('/');
  return rel.length > 1 ? (rel[0] as string) : '.';
};

/** Relative imports of a file, resolved to source files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC);
const edges = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

describe('architecture of packages/server/src', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(100);
  });

  it('nothing imports http/ but the entry point and http/ itself', () => {
    const bad = edges.filter(
      (e) => folderOf(e.to) === 'http' && folderOf(e.from) !== 'http' && relative(SRC, e.from) !== 'index.ts',
    );
    expect(bad.map((e) => `${relative(SRC, e.from)} -> ${relative(SRC, e.to)}`)).toEqual([]);
  });

  it('services/ is imported only by http/ and the entry point', () => {
    const allowed = new Set(['http', 'services']);
    const bad = edges.filter(
      (e) => folderOf(e.to) === 'services' && !allowed.has(folderOf(e.from)) && relative(SRC, e.from) !== 'index.ts',
    );
    expect(bad.map((e) => `${relative(SRC, e.from)} -> ${relative(SRC, e.to)}`)).toEqual([]);
  });

  it('no cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    const via = new Map<string, string>();
    for (const { from, to } of edges) {
      const a = folderOf(from);
      const b = folderOf(to);
      if (a === b || a === '.' || b === '.') continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
      via.set(`${a}>${b}`, `${relative(SRC, from)} -> ${relative(SRC, to)}`);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (node: string): void => {
      state.set(node, 'open');
      path.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'open') {
          const loop = [...path.slice(path.indexOf(next)), next];
          cycles.push(
            loop
              .slice(1)
              .map((b, i) => via.get(`${loop[i]}>${b}`))
              .join(', '),
          );
        } else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it('the store sits below everything that is not the server itself: storage/ imports no service, route or validation', () => {
    const bad = edges.filter(
      (e) => folderOf(e.from) === 'storage' && ['http', 'services', 'validation'].includes(folderOf(e.to)),
    );
    expect(bad.map((e) => `${relative(SRC, e.from)} -> ${relative(SRC, e.to)}`)).toEqual([]);
  });
});

describe('house rules that a linter checks (biome.json)', () => {
  it('biome lint passes on the whole workspace: named exports only, kebab-case file names, import type', () => {
    const root = resolve(SRC, '../../..');
    const biome = join(root, 'node_modules/.bin/biome');
    const res = spawnSync(biome, ['lint', '--diagnostic-level=error', '.'], { cwd: root, encoding: 'utf8' });
    expect(res.status, `${res.stdout}\n${res.stderr}`.slice(-4000)).toBe(0);
  });
});
