import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './exit-codes.js';

/** The three APIs of a bbk server. */
export const APIS = ['coordinator', 'contributor', 'consumer'] as const;
export type Api = (typeof APIS)[number];

/** What a profile remembers about one API. */
export interface ApiLogin {
  url?: string;
  token?: string;
  /** Contributor: the contribution id `bbk push` uses by default. */
  connector?: string;
  /** Consumer: policy id sent as `x-bbk-audience` (development servers only). */
  audience?: string;
}

export type Profile = Partial<Record<Api, ApiLogin>>;

/** The per-user config file. */
export interface ConfigFile {
  /** Profile used when neither `--profile` nor `BBK_PROFILE` is given. */
  current?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';

/**
 * Where the config file lives: `BBK_CONFIG`, else `$XDG_CONFIG_HOME/bbk/config.json`, else `~/.config/bbk/config.json`.
 * @example configPath({ BBK_CONFIG: '/tmp/bbk.json' }) // '/tmp/bbk.json'
 */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.BBK_CONFIG) return env.BBK_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'bbk', 'config.json');
}

/** Reads the config file; a missing file is an empty config. */
export function readConfig(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed) || (parsed.profiles !== undefined && !isObject(parsed.profiles))) {
    throw new UsageError(`the config file ${path} is not a bbk config (expected {"profiles": {…}})`);
  }
  const config: ConfigFile = { profiles: (parsed.profiles ?? {}) as Record<string, Profile> };
  if (typeof parsed.current === 'string') config.current = parsed.current;
  return config;
}

/**
 * Writes the config file readable and writable by its owner only (0600, directory 0700),
 * through a temporary file so a crash never leaves half a file.
 */
export function writeConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is filtered by the umask; make sure.
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Profile names are used as object keys and shown in tables: keep them simple. */
export function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UsageError(`invalid profile name "${name}": use 1-64 letters, digits, ".", "_" or "-"`);
  }
  return name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
