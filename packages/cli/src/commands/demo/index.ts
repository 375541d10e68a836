import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@bbk/server';
import type { Command } from 'commander';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT } from '../../lib/exit-codes.js';
import type { Output } from '../../lib/output.js';
import { integer } from '../../lib/read-input.js';
import { demoProfileName, removeDemoProfiles, saveDemoProfiles } from './profiles.js';
import { type DemoQuery, demoQueries } from './queries.js';
import { type DemoConnector, type DemoConsumer, setUpDemo } from './setup.js';

/** Options of `bbk demo`. */
export interface DemoOptions {
  dataDir?: string;
  /** `--profiles` / `--no-profiles`: save a profile per consumer (default: ask on a terminal, else no). */
  profiles?: boolean;
  coordinatorPort?: string;
  contributorPort?: string;
  consumerPort?: string;
  /** `--no-console` sets false. */
  console?: boolean;
}

/** What `bbk demo` prints once ready (`--json` prints exactly this, on one line). */
export interface DemoReady {
  mode: 'production';
  dataDir: string;
  /** The data directory is temporary and removed on exit. */
  temporary: boolean;
  urls: RunningServer['urls'];
  coordinatorToken: string;
  webhook: string;
  connectors: DemoConnector[];
  consumers: (DemoConsumer & { queries: DemoQuery[]; profile?: string })[];
  /**
   * The web console opened straight into the explorer as the first consumer (the token rides in the URL
   * fragment, which the browser never sends; the console moves it to session storage). Absent with `--no-console`.
   */
  explorer?: string;
  /** Profiles saved in the config file (`--profiles`), removed again on exit when the data is temporary. */
  profiles: string[];
}

/** Adds the options (called by the CLI table before parsing). */
export function configure(command: Command): void {
  command
    .option('--data-dir <dir>', 'keep the demo in this directory (default: a temporary one, removed on exit)')
    .option('--coordinator-port <port>', 'default 8001 (0 = any free port)')
    .option('--contributor-port <port>', 'default 8002')
    .option('--consumer-port <port>', 'default 8003')
    .option(
      '--profiles',
      'save profiles "demo" (coordinator) and "demo-<policy>" (each consumer) so commands need only --profile (default: ask on a terminal)',
    )
    .option('--no-profiles', 'do not save profiles, print every command with --consumer-url and --token')
    .option('--no-console', 'do not serve the web console at /console/')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bbk demo\n  $ bbk demo --profiles --data-dir ./demo\n  $ bbk demo --json --coordinator-port 0 --contributor-port 0 --consumer-port 0\n',
    );
}

/**
 * `bbk demo`: starts the embedded server in production mode, loads the example countries and heritage sites
 * through their connectors, creates policies that show the range (everything, masks, a segment, a polygon
 * with rate limits) and consumers holding them, prints every consumer token with ready-to-paste `bbk` and
 * `curl` queries, and serves until SIGINT or SIGTERM.
 */
export async function demo(options: DemoOptions, ctx: CommandContext): Promise<Output | undefined> {
  const { startServer, issueBootstrapToken } = await import('@bbk/server');
  const ports = {
    coordinatorPort: integer(options.coordinatorPort, '--coordinator-port', 0, 65535) ?? 8001,
    contributorPort: integer(options.contributorPort, '--contributor-port', 0, 65535) ?? 8002,
    consumerPort: integer(options.consumerPort, '--consumer-port', 0, 65535) ?? 8003,
  };
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bbk-demo-'));
  const stop = stopSignal();
  const step = (text: string) => (ctx.format === 'human' ? ctx.note(`… ${text}`) : undefined);

  let server: RunningServer | undefined;
  let closeWebhook = async () => {};
  let profiles: string[] = [];
  let tokens = new Set<string>();
  try {
    const serverOptions = {
      mode: 'production',
      dataDir,
      host: '127.0.0.1',
      ...ports,
      ...(options.console === false ? { console: false } : {}),
    } as const;
    server = await listen(() => startServer(serverOptions, {}));
    // A data directory used before has no bootstrap token to show: issue a fresh one (the server must be stopped).
    let coordinatorToken = server.bootstrapToken;
    if (!coordinatorToken) {
      await server.close();
      coordinatorToken = (await issueBootstrapToken(dataDir)).token;
      server = await listen(() => startServer(serverOptions, {}));
    }
    step(`server running, data in ${dataDir}`);
    const { urls } = server;
    const setup = await setUpDemo({ urls, coordinatorToken, step });
    closeWebhook = () => setup.webhook.close();
    if (await wantsProfiles(options, ctx)) {
      profiles = saveDemoProfiles(ctx.settings.configPath, urls, coordinatorToken, setup.consumers);
      tokens = new Set([coordinatorToken, ...setup.consumers.map((c) => c.token)]);
    }
    const profileOf = (consumer: DemoConsumer) => (profiles.length ? demoProfileName(consumer) : undefined);
    const ready: DemoReady = {
      mode: 'production',
      dataDir,
      temporary,
      urls,
      coordinatorToken,
      webhook: setup.webhook.url ?? '',
      connectors: setup.connectors,
      consumers: setup.consumers.map((consumer) => {
        const profile = profileOf(consumer);
        return { ...consumer, queries: demoQueries(consumer, urls.consumer, profile), ...(profile ? { profile } : {}) };
      }),
      profiles,
      ...(explorerUrl(urls.console, setup.consumers) ?? {}),
    };
    if (ctx.format === 'json') ctx.io.stdout.write(`${JSON.stringify(ready)}\n`);
    else await ctx.print({ data: ready, ids: ready.consumers.map((c) => c.token), view: demoText(ready) });
    await stop.stopped;
    return undefined;
  } finally {
    try {
      await closeWebhook();
      await server?.close();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
      // The tokens die with a temporary demo: so do the profiles holding them.
      if (temporary && profiles.length) removeDemoProfiles(ctx.settings.configPath, profiles, tokens);
    } finally {
      stop.release();
    }
    if (ctx.format === 'human') ctx.io.stderr.write(`bbk demo stopped${temporary ? `; ${dataDir} removed` : ''}.\n`);
  }
}

/** `{ explorer }`: the console's explorer as the demo's first consumer (the open policy when there is one). */
function explorerUrl(console: string | undefined, consumers: DemoConsumer[]): { explorer: string } | undefined {
  const consumer = consumers.find((c) => c.policy.id === 'everything') ?? consumers[0];
  if (!console || !consumer) return undefined;
  return { explorer: `${console}#/explore?token=${encodeURIComponent(consumer.token)}` };
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Resolves on the first SIGINT, SIGTERM or SIGHUP. The handlers stay installed until `release()` (after the
 * clean-up): a second signal (Ctrl+C reaches every process of the terminal's group, and a launcher may pass one
 * on too) must not kill the process half-way through removing its data directory.
 */
function stopSignal(): { stopped: Promise<NodeJS.Signals>; release: () => void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    stopped,
    release: () => {
      for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
    },
  };
}

/** `--profiles`, `--no-profiles`, else a question on a terminal (human output only), else no. */
async function wantsProfiles(options: DemoOptions, ctx: CommandContext): Promise<boolean> {
  if (options.profiles !== undefined) return options.profiles;
  if (!ctx.interactive || ctx.format !== 'human') return false;
  const { loadPrompts } = await import('../../lib/prompt.js');
  const prompts = await loadPrompts();
  return prompts.confirm({
    message: `Save profiles for the demo's consumers in ${ctx.settings.configPath}, so commands need only --profile? (removed on exit with the data)`,
    default: true,
  });
}

/** Starts the server, turning a busy port into a clear message. */
async function listen(start: () => Promise<RunningServer>): Promise<RunningServer> {
  try {
    return await start();
  } catch (error) {
    const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new CliError(
        `cannot listen on ${address ?? 'host'}:${port ?? '?'} (${code}): pass other --*-port values (0 = any free port)`,
        EXIT.FAILURE,
      );
    }
    throw error;
  }
}

/**
 * The ready message as plain text: commands are never wrapped, so each line can be pasted as it is.
 * @example demoText(ready).split('\n')[0] // '✓ bbk demo is running (production mode), data in /tmp/bbk-demo-…'
 */
export function demoText(ready: DemoReady): string {
  const { urls } = ready;
  const lines = [
    `✓ bbk demo is running (production mode), data in ${ready.dataDir}${ready.temporary ? ' (removed on exit)' : ''}`,
    '',
    `  Coordinator API    ${urls.coordinator}`,
    `  Contributor API    ${urls.contributor}`,
    `  Consumer API       ${urls.consumer}`,
    `  Countries webhook  ${ready.webhook}`,
    ...(urls.console ? [`  Web console        ${urls.console}`] : []),
    ...ready.connectors.map(
      (c) => `  Connector ${c.slug.padEnd(16)} ${c.records} ${c.type} records, contribution id ${c.contributionId}`,
    ),
    '',
    'Coordinator token (the bootstrap user; shown only now):',
    `  ${ready.coordinatorToken}`,
  ];
  if (ready.explorer) {
    const who = ready.consumers.find((c) => ready.explorer?.includes(encodeURIComponent(c.token)));
    lines.push(
      '',
      `Open the data explorer${who ? ` as ${who.user.name} (policy "${who.policy.id}")` : ''}:`,
      `  ${ready.explorer}`,
    );
  }
  if (ready.profiles.length) {
    lines.push(
      '',
      `Profiles saved: ${ready.profiles.join(', ')}${ready.temporary ? ' (removed on exit)' : ''}.`,
      '  e.g. bbk --profile demo user list',
    );
  }
  for (const consumer of ready.consumers) {
    lines.push(
      '',
      `${consumer.user.name} <${consumer.user.email}>, policy "${consumer.policy.id}": ${consumer.policy.description}`,
      consumer.profile ? `  profile: ${consumer.profile}` : `  token: ${consumer.token}`,
    );
    for (const query of consumer.queries) lines.push(`  # ${query.what}`, `  ${query.bbk}`, `  ${query.curl}`);
  }
  lines.push('', 'Press Ctrl+C to stop.');
  return lines.join('\n');
}
