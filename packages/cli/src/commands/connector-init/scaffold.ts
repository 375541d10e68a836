import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { renderTemplate, type TemplateValues } from './render.js';
import type { VendoredKey } from './vendor.js';

export const SESSION_MODES = ['stream', 'accrue', 'replace'] as const;
export const SOURCE_KINDS = ['json', 'csv', 'sql'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What the new connector project is. */
export interface ProjectAnswers {
  /** npm package name. */
  name: string;
  /** Entity type slug. */
  entity: string;
  mode: (typeof SESSION_MODES)[number];
  source: SourceKind;
  webhook: boolean;
}

/** One file of the project, path relative to its root. */
export interface ProjectFile {
  path: string;
  content: string | Buffer;
}

/**
 * The files of a connector project: the template layers `base`, `source-<kind>` and (with a webhook)
 * `webhook`, later layers overriding earlier ones; `.tmpl` files rendered with the answers.
 * @example planProject(TEMPLATES_DIR, answers, { sdk: 'bbk-sdk-0.1.0.tgz', … }).map((f) => f.path)
 */
export function planProject(
  templatesDir: string,
  answers: ProjectAnswers,
  tarballs: Record<VendoredKey, string>,
): ProjectFile[] {
  const values: TemplateValues = {
    name: answers.name,
    slug: connectorSlug(answers.name),
    entity: answers.entity,
    title: titleOf(answers.entity),
    mode: answers.mode,
    source: answers.source,
    webhook: answers.webhook,
    json: answers.source === 'json',
    csv: answers.source === 'csv',
    sql: answers.source === 'sql',
    sdkTarball: tarballs.sdk,
    kitTarball: tarballs.kit,
    serverTarball: tarballs.server,
  };
  const layers = ['base', `source-${answers.source}`, ...(answers.webhook ? ['webhook'] : [])];
  const files = new Map<string, ProjectFile>();
  for (const layer of layers) {
    const root = join(templatesDir, layer);
    for (const file of walk(root)) {
      let path = relative(root, file).split(sep).join('/');
      let content: string | Buffer = readFileSync(file);
      if (path.endsWith('.tmpl')) {
        path = path.slice(0, -'.tmpl'.length);
        content = renderTemplate(content.toString('utf8'), values, `${layer}/${path}.tmpl`);
      }
      if (path === 'gitignore') path = '.gitignore';
      files.set(path, { path, content });
    }
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Writes the planned files below `dir`. */
export function writeProject(dir: string, files: readonly ProjectFile[]): void {
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
}

/**
 * A connector slug (3–32, `^[a-z][a-z0-9-]+$`) made from a package name.
 * @example connectorSlug('@acme/Weather.Stations') // 'weather-stations'
 */
export function connectorSlug(name: string): string {
  const base = name
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '');
  const slug = base.slice(0, 32).replace(/-+$/, '');
  if (slug.length >= 3) return slug;
  return slug ? `${slug}-connector` : 'connector';
}

function titleOf(slug: string): string {
  return slug
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
