import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { TEMPLATES_DIR } from '@bbk/connector-kit';
import { Box, Text } from 'ink';
import { type Command, Option } from '../../lib/commander.js';
import type { CommandContext } from '../../lib/context.js';
import { UsageError } from '../../lib/exit-codes.js';
import { isSlug } from '../../lib/ids.js';
import type { Output } from '../../lib/output.js';
import { loadPrompts } from '../../lib/prompt.js';
import { Notice, Stack } from '../../ui/notice.js';
import { type ProjectAnswers, planProject, SESSION_MODES, SOURCE_KINDS, writeProject } from './scaffold.js';
import { vendorPackages } from './vendor.js';

/** Options of `bbk connector init [dir]`. */
export interface ConnectorInitOptions {
  dir?: string;
  name?: string;
  entity?: string;
  mode?: string;
  source?: string;
  webhook?: boolean;
  yes?: boolean;
}

const DEFAULTS = { entity: 'station', mode: 'replace', source: 'json', webhook: false } as const;
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** Adds the arguments and options (called by the CLI table before parsing). */
export function configure(command: Command): void {
  command
    .argument('[dir]', 'directory to create (must not exist, or be empty)')
    .option('--name <name>', 'npm package name (default: the directory name)')
    .option('--entity <eid>', `entity type slug the connector contributes to (default ${DEFAULTS.entity})`)
    .addOption(new Option('--mode <mode>', `session mode (default ${DEFAULTS.mode})`).choices(SESSION_MODES))
    .addOption(
      new Option('--source <kind>', `where records come from (default ${DEFAULTS.source})`).choices(SOURCE_KINDS),
    )
    .option('--webhook', 'host a webhook: live extras and a timeseries')
    .option('--no-webhook', 'no webhook (the default)')
    .option('-y, --yes', 'take defaults for anything not given, never prompt')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bbk connector init\n  $ bbk connector init weather --entity station --mode stream --source csv --webhook --yes\n' +
        '\nThe project installs @bbk/connector-kit, @bbk/sdk and @bbk/server from its vendor/ folder: npm install && npm test.\n',
    );
}

/**
 * `bbk connector init [dir]`: scaffolds a runnable TypeScript connector project (source, session code,
 * optional webhook, contract test) from the connector kit's templates. Asks for what flags do not give
 * on a terminal; `--yes` (or no terminal) takes the defaults.
 */
export async function connectorInit(options: ConnectorInitOptions, ctx: CommandContext): Promise<Output> {
  const answers = await collectAnswers(options, ctx);
  const dir = resolve(ctx.io.cwd, answers.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`${dir} is a file, not a directory: choose another directory`);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new UsageError(`${dir} exists and is not empty: choose another directory`);
  const tarballs = await vendorPackages(resolve(dir, 'vendor'));
  const files = planProject(TEMPLATES_DIR, answers, tarballs);
  writeProject(dir, files);
  const result = {
    dir,
    ...answerData(answers),
    files: files.map((f) => f.path),
    vendor: Object.values(tarballs).map((t) => `vendor/${t}`),
  };
  return { data: result, ids: [dir], view: <InitView dir={dir} answers={answers} fileCount={files.length} /> };
}

async function collectAnswers(
  options: ConnectorInitOptions,
  ctx: CommandContext,
): Promise<ProjectAnswers & { dir: string }> {
  const ask = ctx.interactive && !options.yes ? await loadPrompts() : undefined;
  const dir =
    options.dir ??
    (ask
      ? await ask.input({ message: 'Directory of the new project', default: 'my-connector' })
      : options.name?.replace(/^@[^/]+\//, ''));
  if (!dir) throw new UsageError('missing required value: [dir] (directory of the new project)');
  const name =
    options.name ??
    (ask
      ? await ask.input({ message: 'Package name', default: packageName(dir), validate: npmName })
      : packageName(dir));
  const entity =
    options.entity ??
    (ask
      ? await ask.input({ message: 'Entity type (slug)', default: DEFAULTS.entity, validate: isSlug })
      : DEFAULTS.entity);
  const mode =
    options.mode ??
    (ask
      ? await ask.select({
          message: 'Session mode',
          choices: SESSION_MODES.map((m) => ({ value: m, name: modeHelp(m) })),
          default: DEFAULTS.mode,
        })
      : DEFAULTS.mode);
  const source =
    options.source ??
    (ask
      ? await ask.select({
          message: 'Source of the records',
          choices: SOURCE_KINDS.map((s) => ({ value: s, name: sourceHelp(s) })),
          default: DEFAULTS.source,
        })
      : DEFAULTS.source);
  const webhook =
    options.webhook ??
    (ask
      ? await ask.confirm({ message: 'Host a webhook (live data, timeseries)?', default: DEFAULTS.webhook })
      : DEFAULTS.webhook);

  const nameCheck = npmName(name);
  if (nameCheck !== true) throw new UsageError(`--name "${name}": ${nameCheck}`);
  const slugCheck = isSlug(entity);
  if (slugCheck !== true) throw new UsageError(`--entity "${entity}": ${slugCheck}`);
  if (!(SESSION_MODES as readonly string[]).includes(mode))
    throw new UsageError(`--mode must be one of ${SESSION_MODES.join(', ')}`);
  if (!(SOURCE_KINDS as readonly string[]).includes(source))
    throw new UsageError(`--source must be one of ${SOURCE_KINDS.join(', ')}`);
  return {
    dir,
    name,
    entity,
    mode: mode as ProjectAnswers['mode'],
    source: source as ProjectAnswers['source'],
    webhook,
  };
}

function answerData(answers: ProjectAnswers) {
  const { name, entity, mode, source, webhook } = answers;
  return { name, entity, mode, source, webhook };
}

/** A valid npm name from a directory name. */
function packageName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, '-')
    .replace(/^[._]+/, '');
  return name || 'my-connector';
}

function npmName(name: string): true | string {
  return (
    (NPM_NAME.test(name) && name.length <= 214) ||
    'use lower-case letters, digits, "-", "." or "_" (an npm package name)'
  );
}

function modeHelp(mode: (typeof SESSION_MODES)[number]): string {
  switch (mode) {
    case 'stream':
      return 'stream: each batch is visible at once';
    case 'accrue':
      return 'accrue: a run is applied at commit';
    case 'replace':
      return 'replace: a run becomes the whole record set at commit';
  }
}

function sourceHelp(source: (typeof SOURCE_KINDS)[number]): string {
  switch (source) {
    case 'json':
      return 'json: a JSON file of records';
    case 'csv':
      return 'csv: a CSV file, one record per row';
    case 'sql':
      return 'sql: a SQLite database read with better-sqlite3';
  }
}

function InitView({ dir, answers, fileCount }: { dir: string; answers: ProjectAnswers; fileCount: number }) {
  return (
    <Stack>
      <Notice kind="success">
        Created {answers.name} in {dir} ({fileCount} files): {answers.source} source, {answers.mode} sessions
        {answers.webhook ? ', webhook' : ''}, entity type {answers.entity}.
      </Notice>
      <Box flexDirection="column">
        <Text bold>Next:</Text>
        <Text> cd {dir}</Text>
        <Text> npm install</Text>
        <Text> npm test # the contract test, against a real embedded bbk server</Text>
        <Text> BBK_CONTRIBUTOR_URL=… BBK_CONNECTOR_ID=… BBK_TOKEN=… npm start</Text>
      </Box>
    </Stack>
  );
}
