import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CliError } from '../../lib/exit-codes.js';

/** The workspace packages a generated connector project installs from `vendor/`. */
export const VENDORED = { sdk: '@bbk/sdk', kit: '@bbk/connector-kit', server: '@bbk/server' } as const;
export type VendoredKey = keyof typeof VENDORED;

interface PackageJson {
  name: string;
  version: string;
  files?: string[];
  [section: string]: unknown;
}

const DEPENDENCY_SECTIONS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * Packs the built `@bbk/sdk`, `@bbk/connector-kit` and `@bbk/server` into `vendorDir` as npm tarballs, so that
 * a project can depend on them with `file:vendor/…` and install with npm from the registry alone.
 * `workspace:` ranges are rewritten to the packed versions (npm pack does not do it), dev dependencies and
 * scripts are dropped. Resolves to the tarball file names.
 * @example await vendorPackages('my-connector/vendor') // { sdk: 'bbk-sdk-0.1.0.tgz', kit: '…', server: '…' }
 */
export async function vendorPackages(
  vendorDir: string,
  from: string = import.meta.url,
): Promise<Record<VendoredKey, string>> {
  const roots = Object.fromEntries(
    Object.entries(VENDORED).map(([key, name]) => [key, packageRoot(name, from)]),
  ) as Record<VendoredKey, string>;
  const manifests = Object.fromEntries(
    Object.entries(roots).map(([key, root]) => [
      key,
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson,
    ]),
  ) as Record<VendoredKey, PackageJson>;
  const versions = new Map(Object.values(manifests).map((manifest) => [manifest.name, manifest.version]));
  mkdirSync(vendorDir, { recursive: true });
  const tarballs = {} as Record<VendoredKey, string>;
  for (const key of Object.keys(VENDORED) as VendoredKey[]) {
    tarballs[key] = await pack(roots[key], manifests[key], versions, vendorDir);
  }
  return tarballs;
}

/** The directory of an installed package, found from its resolved entry point. */
function packageRoot(name: string, from: string): string {
  let entry: string;
  try {
    entry = createRequire(from).resolve(name);
  } catch {
    throw new CliError(`cannot find ${name}: bbk connector init runs from a bbk installation or workspace that has it`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as PackageJson).name === name) return dir;
  }
  throw new CliError(`cannot find the package.json of ${name} above ${entry}`);
}

async function pack(
  root: string,
  manifest: PackageJson,
  versions: Map<string, string>,
  vendorDir: string,
): Promise<string> {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    throw new CliError(
      `${manifest.name} is not built (no ${join(root, 'dist')}): run "pnpm build" in the bbk workspace first`,
    );
  }
  const stage = mkdtempSync(join(tmpdir(), 'bbk-pack-'));
  try {
    const { devDependencies: _dev, scripts: _scripts, ...published } = manifest;
    for (const section of DEPENDENCY_SECTIONS) {
      const deps = published[section] as Record<string, string> | undefined;
      if (!deps) continue;
      published[section] = Object.fromEntries(
        Object.entries(deps).flatMap(([dep, range]) => {
          if (!range.startsWith('workspace:')) return [[dep, range]];
          const version = versions.get(dep);
          // an optional workspace package that is not vendored (the server's web console) is left out
          if (!version && section === 'optionalDependencies') return [];
          if (!version) throw new CliError(`${manifest.name} depends on ${dep} (${range}), which is not vendored`);
          return [[dep, version]];
        }),
      );
    }
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
    for (const entry of manifest.files ?? ['dist']) {
      if (!existsSync(join(root, entry))) continue;
      cpSync(join(root, entry), join(stage, entry), {
        recursive: true,
        filter: (source) => !/\.test\.(js|d\.ts)(\.map)?$|\.tsbuildinfo$/.test(basename(source)),
      });
    }
    const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--pack-destination', vendorDir], {
      cwd: stage,
      shell: process.platform === 'win32',
      maxBuffer: 64 * 1024 * 1024,
    });
    const [result] = JSON.parse(stdout) as { filename: string }[];
    if (!result) throw new CliError(`npm pack of ${manifest.name} reported no tarball`);
    return basename(result.filename);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`could not pack ${manifest.name}: ${(error as Error).message}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
