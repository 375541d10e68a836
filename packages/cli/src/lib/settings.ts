import { type Api, type ApiLogin, type ConfigFile, configPath, DEFAULT_PROFILE, readConfig } from './config-file.js';
import { UsageError } from './exit-codes.js';

/** The options every command accepts (commander's `optsWithGlobals()`). */
export interface GlobalOptions {
  token?: string;
  coordinatorUrl?: string;
  contributorUrl?: string;
  consumerUrl?: string;
  profile?: string;
  json?: boolean;
  /** `-o/--output`. */
  output?: 'table' | 'wide' | 'json' | 'yaml';
  /** `--fields`: comma-separated (dotted) paths to keep. */
  fields?: string;
  quiet?: boolean;
  /** `--no-input` sets this to false: never prompt. */
  input?: boolean;
}

/** Where a bbk server is, out of the box. */
export const DEFAULT_URLS: Record<Api, string> = {
  coordinator: 'http://127.0.0.1:8001/v1',
  contributor: 'http://127.0.0.1:8002/v1',
  consumer: 'http://127.0.0.1:8003/v1',
};

const URL_FLAG = { coordinator: 'coordinatorUrl', contributor: 'contributorUrl', consumer: 'consumerUrl' } as const;

/** URL and token to use for one API, with where they came from (for `bbk status`). */
export interface Endpoint {
  url: string;
  token: string | undefined;
  tokenSource: 'flag' | 'env' | 'profile' | 'none';
}

/** Resolved connection settings: flags, then `BBK_*` environment, then the profile, then defaults. */
export interface Settings {
  profileName: string;
  configPath: string;
  config: ConfigFile;
  /** The stored login of an API in the active profile. */
  login(api: Api): ApiLogin;
  /**
   * URL and token for `api`. `--token`/`BBK_TOKEN` go to the command's primary API only;
   * any API also takes `BBK_<API>_TOKEN`, then the profile's token.
   */
  endpoint(api: Api): Endpoint;
}

/**
 * Resolves the connection settings of a command whose main API is `primary`.
 * @example resolveSettings({ token: 't' }, process.env, 'coordinator').endpoint('coordinator')
 */
export function resolveSettings(options: GlobalOptions, env: NodeJS.ProcessEnv, primary: Api | undefined): Settings {
  const path = configPath(env);
  let config: ConfigFile | undefined;
  const load = (): ConfigFile => {
    config ??= readConfig(path);
    return config;
  };
  const explicit = options.profile ?? env.BBK_PROFILE;
  // The file is read lazily: commands that need no server (completion, start) never touch it.
  const profileName = (): string => explicit ?? load().current ?? DEFAULT_PROFILE;
  const login = (api: Api): ApiLogin => {
    const name = profileName();
    const profile = load().profiles[name];
    if (explicit !== undefined && profile === undefined && explicit !== DEFAULT_PROFILE) {
      throw new UsageError(
        `no profile named "${name}" in ${path} (create it with: bbk login ${api} --profile ${name})`,
      );
    }
    return profile?.[api] ?? {};
  };
  return {
    get profileName() {
      return profileName();
    },
    configPath: path,
    get config() {
      return load();
    },
    login,
    endpoint(api) {
      const envName = `BBK_${api.toUpperCase()}_URL`;
      const url = checkUrl(options[URL_FLAG[api]] ?? env[envName] ?? login(api).url ?? DEFAULT_URLS[api], api);
      const apiToken = env[`BBK_${api.toUpperCase()}_TOKEN`];
      if (api === primary && options.token) return { url, token: options.token, tokenSource: 'flag' };
      if (api === primary && env.BBK_TOKEN) return { url, token: env.BBK_TOKEN, tokenSource: 'env' };
      if (apiToken) return { url, token: apiToken, tokenSource: 'env' };
      const stored = login(api).token;
      return { url, token: stored, tokenSource: stored ? 'profile' : 'none' };
    },
  };
}

/**
 * Checks an API base URL (`http(s)://host:port/base`) and drops trailing slashes.
 * @example checkUrl('http://127.0.0.1:8001/v1/', 'coordinator') // 'http://127.0.0.1:8001/v1'
 */
export function checkUrl(value: string, api: Api): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`invalid ${api} URL "${value}": expected e.g. ${DEFAULT_URLS[api]}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`invalid ${api} URL "${value}": only http and https are supported`);
  }
  return value.replace(/\/+$/, '');
}
