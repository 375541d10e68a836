import { type Announce, BbkApiError, ConsumerClient, ContributorClient, CoordinatorClient } from '@bbk/sdk';
import {
  type Api,
  type ApiLogin,
  checkProfileName,
  DEFAULT_PROFILE,
  readConfig,
  writeConfig,
} from '../../lib/config-file.js';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { CliError, EXIT } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { checkUrl, DEFAULT_URLS } from '../../lib/settings.js';

export interface LoginOptions {
  api: Api;
  url?: string;
  token?: string;
  profile?: string;
  connector?: string;
  audience?: string;
  /** `--no-verify` sets false: save without calling the server. */
  verify?: boolean;
}

const URL_FLAG = { coordinator: 'coordinatorUrl', contributor: 'contributorUrl', consumer: 'consumerUrl' } as const;

/**
 * `bbk login <api> [--url URL] [--token T]`: checks the URL and token against the server, then stores them
 * in the profile (config file mode 0600). The token is never printed.
 */
export async function login(options: LoginOptions, ctx: CommandContext): Promise<Output> {
  const { api } = options;
  const path = ctx.settings.configPath;
  const config = readConfig(path);
  const name = checkProfileName(options.profile ?? ctx.env.BBK_PROFILE ?? config.current ?? DEFAULT_PROFILE);
  const previous: ApiLogin = config.profiles[name]?.[api] ?? {};
  const flagUrl = options.url ?? (ctx.options as Record<string, string | undefined>)[URL_FLAG[api]];
  const url = checkUrl(flagUrl ?? ctx.env[`BBK_${api.toUpperCase()}_URL`] ?? previous.url ?? DEFAULT_URLS[api], api);
  let token = options.token ?? ctx.env.BBK_TOKEN;

  let mode: Announce['status'] | null = null;
  if (options.verify !== false) {
    // Without a token, a development server answers; a production one asks for it.
    const first = await announce(api, url, token);
    if (first === 'unauthorized' && token === undefined) {
      token = await need(undefined, { flag: '--token', label: `${api} token`, secret: true }, ctx);
      const second = await announce(api, url, token);
      if (second === 'unauthorized') throw refused(api, url);
      mode = second.status;
    } else if (first === 'unauthorized') throw refused(api, url);
    else mode = first.status;
  } else if (token === undefined) {
    token = await need(undefined, { flag: '--token', label: `${api} token`, secret: true }, ctx);
  }

  const entry: ApiLogin = { url };
  if (token) entry.token = token;
  const connector = options.connector ?? (api === 'contributor' ? previous.connector : undefined);
  const audience = options.audience ?? (api === 'consumer' ? previous.audience : undefined);
  if (connector) entry.connector = connector;
  if (audience) entry.audience = audience;
  config.profiles[name] = { ...config.profiles[name], [api]: entry };
  config.current ??= name;
  writeConfig(path, config);
  const data = { profile: name, api, url, mode, token_saved: Boolean(token), config: path };
  return {
    data,
    ids: [name],
    view: lazy(
      () => import('../../ui/notice.js'),
      ({ Notice }) => (
        <Notice kind="success">
          Logged in to the {api} API at {url}
          {mode ? ` (${mode} mode)` : ''} as profile "{name}"{token ? '' : ' without a token'}; saved in {path}.
        </Notice>
      ),
    ),
  };
}

/** `bbk logout [api]`: forgets one API of the profile, or the whole profile. */
export async function logout(options: { api?: Api; profile?: string }, ctx: CommandContext): Promise<Output> {
  const path = ctx.settings.configPath;
  const config = readConfig(path);
  const name = options.profile ?? ctx.env.BBK_PROFILE ?? config.current ?? DEFAULT_PROFILE;
  const profile = config.profiles[name];
  if (!profile || (options.api && !profile[options.api])) {
    const what = options.api ? `no ${options.api} login` : 'no login';
    throw new CliError(`nothing to log out of: profile "${name}" has ${what}`, EXIT.NOT_FOUND);
  }
  if (options.api) delete profile[options.api];
  if (!options.api || Object.keys(profile).length === 0) delete config.profiles[name];
  if (config.current === name && !config.profiles[name]) delete config.current;
  writeConfig(path, config);
  const what = options.api ? `the ${options.api} login of profile "${name}"` : `profile "${name}"`;
  return done({ profile: name, api: options.api ?? null, removed: true }, name, `Removed ${what} (token included).`);
}

async function announce(api: Api, baseUrl: string, token: string | undefined): Promise<Announce | 'unauthorized'> {
  const init = { baseUrl, ...(token ? { token } : {}) };
  const client =
    api === 'coordinator'
      ? new CoordinatorClient(init)
      : api === 'contributor'
        ? new ContributorClient(init)
        : new ConsumerClient(init);
  try {
    return await client.announce();
  } catch (error) {
    if (error instanceof BbkApiError && (error.status === 401 || error.status === 403)) return 'unauthorized';
    throw error;
  } finally {
    await client.close();
  }
}

function refused(api: Api, url: string): CliError {
  return new CliError(`the ${api} API at ${url} refuses this token (nothing saved)`, EXIT.AUTH, [
    `a ${api} token is needed: coordinator tokens come from "bbk token bootstrap" or "bbk user promote",`,
    'contributor tokens from "bbk connector add", consumer tokens from "bbk access grant".',
  ]);
}
