import { type Announce, BbkApiError, ConsumerClient, ContributorClient, CoordinatorClient } from '@bbk/sdk';
import {
  APIS,
  type Api,
  type ApiLogin,
  checkProfileName,
  DEFAULT_PROFILE,
  readConfig,
  writeConfig,
} from '../../lib/config-file.js';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { checkUrl, DEFAULT_URLS } from '../../lib/settings.js';

export interface LoginOptions {
  /** One API only; without it, all three (`--server`, or each API's URL as configured). */
  api?: Api;
  /** `http(s)://host[:port][/base]`: where the three APIs are. */
  server?: string;
  url?: string;
  token?: string;
  profile?: string;
  connector?: string;
  audience?: string;
  /** `--no-verify` sets false: save without calling the server. */
  verify?: boolean;
}

const URL_FLAG = { coordinator: 'coordinatorUrl', contributor: 'contributorUrl', consumer: 'consumerUrl' } as const;
const SERVICE_NAME = {
  coordinator: 'coordinator service',
  contributor: 'contributor service',
  consumer: 'consumer service',
} as const;

/**
 * The three API base URLs of a server given as `http(s)://host[:port][/base]`: without a port, the default
 * ports 8001, 8002, 8003; with port P, P, P+1, P+2 (the layout of `bbk start`); the base defaults to `/v1`.
 * @example serverUrls('https://bbk.example.org') // { coordinator: 'https://bbk.example.org:8001/v1', … }
 */
export function serverUrls(server: string): Record<Api, string> {
  let parsed: URL;
  try {
    parsed = new URL(server);
  } catch {
    throw new UsageError(
      `invalid --server "${server}": expected e.g. http://127.0.0.1 or https://bbk.example.org:8001`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`invalid --server "${server}": only http and https are supported`);
  if (parsed.search || parsed.hash) throw new UsageError(`invalid --server "${server}": no query or fragment`);
  const first = parsed.port === '' ? 8001 : Number(parsed.port);
  if (first > 65533) throw new UsageError(`invalid --server "${server}": port ${first} leaves no room for ${first}+2`);
  const base = parsed.pathname.replace(/\/+$/, '') || '/v1';
  const at = (port: number) =>
    `${parsed.protocol}//${parsed.hostname.includes(':') ? `[${parsed.hostname.replace(/^\[|\]$/g, '')}]` : parsed.hostname}:${port}${base}`;
  return { coordinator: at(first), contributor: at(first + 1), consumer: at(first + 2) };
}

/**
 * The API a token opens, from its first part (`coordinator.…`, `contributor.…`, `consumer.…`), if it says.
 * @example tokenKind('consumer.abc.def') // 'consumer'
 */
export function tokenKind(token: string): Api | undefined {
  const kind = token.split('.')[0];
  return APIS.find((api) => api === kind);
}

/** What the server said of the login: its mode, and the APIs the token is saved for. */
interface Checked {
  token: string | undefined;
  mode: Announce['status'] | null;
  tokenFor: Set<Api>;
}

/** The URL of each API: flags, `--server`, env, the profile, then the defaults. */
function loginUrls(
  options: LoginOptions,
  ctx: CommandContext,
  previous: Partial<Record<Api, ApiLogin>> | undefined,
): Partial<Record<Api, string>> {
  const fromServer = options.server !== undefined ? serverUrls(options.server) : undefined;
  const apis: readonly Api[] = options.api ? [options.api] : APIS;
  const urlOf = (api: Api): string => {
    const flag =
      (options.api === api ? options.url : undefined) ??
      (ctx.options as Record<string, string | undefined>)[URL_FLAG[api]];
    return checkUrl(
      flag ??
        fromServer?.[api] ??
        ctx.io.env[`BBK_${api.toUpperCase()}_URL`] ??
        previous?.[api]?.url ??
        DEFAULT_URLS[api],
      api,
    );
  };
  return Object.fromEntries(apis.map((api) => [api, urlOf(api)])) as Partial<Record<Api, string>>;
}

/**
 * Asks each API's announce with the token (prompting for one when every API wants it) and decides which APIs get
 * the token: production, the ones that accept it; development (nothing is checked), the API named on the command
 * line, else the one the token's kind names.
 */
async function verifyLogin(
  options: LoginOptions,
  ctx: CommandContext,
  apis: readonly Api[],
  urls: Partial<Record<Api, string>>,
): Promise<Checked> {
  let token = options.token ?? ctx.io.env.BBK_TOKEN;
  let answers = await announceAll(apis, urls, token);
  if (token === undefined && apis.every((api) => answers[api] === 'unauthorized')) {
    token = await need(
      undefined,
      { flag: '--token', label: `${options.api ?? 'coordinator, contributor or consumer'} token`, secret: true },
      ctx,
    );
    answers = await announceAll(apis, urls, token);
  }
  const accepted = apis.filter((api) => answers[api] !== 'unauthorized');
  if (accepted.length === 0) throw refused(options.api, apis.map((api) => urls[api] ?? '').join(', '));
  let mode: Announce['status'] | null = null;
  for (const api of accepted) {
    const answer = answers[api] as Announce;
    if (!answer.name.includes(SERVICE_NAME[api]))
      throw new CliError(
        `${urls[api]} is not a ${api} API: it announces itself as "${answer.name}" (check --server or --${api}-url)`,
        EXIT.FAILURE,
      );
    mode ??= answer.status;
  }
  let tokenFor = new Set<Api>();
  if (token !== undefined) {
    const kind = tokenKind(token);
    if (mode === 'development') tokenFor = new Set(options.api ? [options.api] : kind ? [kind] : []);
    else tokenFor = new Set(accepted);
    if (kind && !options.api && mode === 'production' && !tokenFor.has(kind)) throw refused(kind, urls[kind] ?? '');
  }
  return { token, mode, tokenFor };
}

/** `--no-verify`: the token goes to the API named, or the one its kind names. */
async function unverifiedLogin(options: LoginOptions, ctx: CommandContext): Promise<Checked> {
  let token = options.token ?? ctx.io.env.BBK_TOKEN;
  if (token === undefined && options.api)
    token = await need(undefined, { flag: '--token', label: `${options.api} token`, secret: true }, ctx);
  const kind = token === undefined ? undefined : tokenKind(token);
  const tokenFor = new Set<Api>(options.api ? [options.api] : kind ? [kind] : []);
  if (token !== undefined && tokenFor.size === 0)
    throw new UsageError(
      'cannot tell which API this token opens without asking the server: name the API (bbk login <api>) or drop --no-verify',
    );
  return { token, mode: null, tokenFor };
}

/** The profile after the login: each API's URL, and the token where it was just given. */
function loggedInProfile(
  options: LoginOptions,
  previous: Partial<Record<Api, ApiLogin>> | undefined,
  urls: Partial<Record<Api, string>>,
  checked: Checked,
): Partial<Record<Api, ApiLogin>> {
  const profile = { ...previous };
  for (const api of options.api ? [options.api] : APIS) {
    const before: ApiLogin = previous?.[api] ?? {};
    const entry: ApiLogin = { url: urls[api] ?? DEFAULT_URLS[api] };
    // A token is kept for an API only where it was just given (a whole-server login keeps the others' tokens
    // when their URL did not change).
    if (checked.token && checked.tokenFor.has(api)) entry.token = checked.token;
    else if (!options.api && before.token && before.url === entry.url) entry.token = before.token;
    const connector = options.connector ?? before.connector;
    const audience = options.audience ?? before.audience;
    if (api === 'contributor' && connector) entry.connector = connector;
    if (api === 'consumer' && audience) entry.audience = audience;
    profile[api] = entry;
  }
  return profile;
}

/**
 * `bbk login [api] [--server URL] [--token T]`: checks URLs and token against the server, then stores them in
 * the profile (config file mode 0600). Without `api`, one login covers the server's three APIs: each URL is
 * checked (its announce must name the right service) and the token is saved for the API it opens. The token is
 * never printed.
 */
export async function login(options: LoginOptions, ctx: CommandContext): Promise<Output> {
  const path = ctx.settings.configPath;
  const config = readConfig(path);
  const name = checkProfileName(options.profile ?? ctx.io.env.BBK_PROFILE ?? config.current ?? DEFAULT_PROFILE);
  if (options.api === undefined && options.url !== undefined)
    throw new UsageError('--url is for one API (bbk login <api> --url URL); for a whole server use --server URL');
  const apis: readonly Api[] = options.api ? [options.api] : APIS;
  const urls = loginUrls(options, ctx, config.profiles[name]);
  const checked =
    options.verify !== false ? await verifyLogin(options, ctx, apis, urls) : await unverifiedLogin(options, ctx);
  const { token, mode, tokenFor } = checked;

  const profile = loggedInProfile(options, config.profiles[name], urls, checked);
  config.profiles[name] = profile;
  config.current ??= name;
  writeConfig(path, config);
  const saved = apis.filter((api) => profile[api]?.token !== undefined && tokenFor.has(api));
  if (options.api) {
    const api = options.api;
    const url = urls[api] ?? '';
    const data = { profile: name, api, url, mode, token_saved: Boolean(token), config: path };
    return {
      data,
      ids: [name],
      view: notice(
        `Logged in to the ${api} API at ${url}${mode ? ` (${mode} mode)` : ''} as profile "${name}"${token ? '' : ' without a token'}; saved in ${path}.`,
      ),
    };
  }
  const data = { profile: name, urls, mode, token_saved_for: saved, config: path };
  const tokenText = saved.length
    ? `; token saved for the ${saved.join(' and ')} API`
    : token
      ? '; the token was not saved (a development server does not check it, and it does not name its API: use bbk login <api>)'
      : ' without a token';
  return {
    data,
    ids: [name],
    view: notice(
      `Logged in to the server (${apis.map((api) => urls[api]).join(', ')})${mode ? `, ${mode} mode,` : ''} as profile "${name}"${tokenText}; saved in ${path}.`,
    ),
  };
}

function notice(text: string) {
  return lazy(
    () => import('../../ui/notice.js'),
    ({ Notice }) => <Notice kind="success">{text}</Notice>,
  );
}

async function announceAll(
  apis: readonly Api[],
  urls: Partial<Record<Api, string>>,
  token: string | undefined,
): Promise<Partial<Record<Api, Announce | 'unauthorized'>>> {
  const answers = await Promise.all(apis.map((api) => announce(api, urls[api] ?? '', token)));
  return Object.fromEntries(apis.map((api, i) => [api, answers[i]]));
}

/** `bbk logout [api]`: forgets one API of the profile, or the whole profile. */
export async function logout(options: { api?: Api; profile?: string }, ctx: CommandContext): Promise<Output> {
  const path = ctx.settings.configPath;
  const config = readConfig(path);
  const name = options.profile ?? ctx.io.env.BBK_PROFILE ?? config.current ?? DEFAULT_PROFILE;
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

function refused(api: Api | undefined, url: string): CliError {
  const what = api ? `the ${api} API at ${url} refuses` : `none of the APIs (${url}) accepts`;
  return new CliError(`${what} this token (nothing saved)`, EXIT.AUTH, [
    `a ${api ?? 'coordinator, contributor or consumer'} token is needed: coordinator tokens come from "bbk token bootstrap" or "bbk user promote",`,
    'contributor tokens from "bbk connector add", consumer tokens from "bbk access grant".',
  ]);
}
