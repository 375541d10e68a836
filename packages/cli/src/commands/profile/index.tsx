import { APIS, type ConfigFile, DEFAULT_PROFILE, readConfig, writeConfig } from '../../lib/config-file.js';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { CliError, EXIT } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';

/** A profile as listed: URLs and whether a token is stored, never the token. */
export interface ProfileSummary {
  name: string;
  current: boolean;
  coordinator: { url: string; has_token: boolean } | null;
  contributor: { url: string; has_token: boolean; connector: string | null } | null;
  consumer: { url: string; has_token: boolean; audience: string | null } | null;
}

/** `bbk profile list` */
export async function profileList(_options: unknown, ctx: CommandContext): Promise<Output> {
  const config = readConfig(ctx.settings.configPath);
  const current = ctx.io.env.BBK_PROFILE ?? config.current ?? DEFAULT_PROFILE;
  const profiles = summarise(config, current);
  // the marker first: a narrow table cuts the end of a cell, and the marker is what says whether a token is saved
  const cell = (login: { url: string; has_token: boolean } | null) =>
    login ? `${login.has_token ? '(token) ' : ''}${login.url}` : '';
  return {
    data: profiles,
    ids: profiles.map((p) => p.name),
    view: lazy(
      () => import('../../ui/table.js'),
      ({ Table }) => (
        <Table
          width={ctx.columns}
          empty={`No profiles yet in ${ctx.settings.configPath}: run "bbk login coordinator".`}
          columns={[{ header: '' }, { header: 'PROFILE' }, ...APIS.map((api) => ({ header: api.toUpperCase() }))]}
          rows={profiles.map((p) => [
            p.current ? '*' : '',
            p.name,
            cell(p.coordinator),
            cell(p.contributor),
            cell(p.consumer),
          ])}
        />
      ),
    ),
  };
}

/** `bbk profile use <name>`: the profile used when neither `--profile` nor `BBK_PROFILE` is given. */
export async function profileUse(options: { name: string }, ctx: CommandContext): Promise<Output> {
  const path = ctx.settings.configPath;
  const config = readConfig(path);
  if (!config.profiles[options.name]) {
    throw new CliError(`no profile named "${options.name}" (see bbk profile list)`, EXIT.NOT_FOUND);
  }
  config.current = options.name;
  writeConfig(path, config);
  return done({ current: options.name }, options.name, `Profile "${options.name}" is now the default.`);
}

function summarise(config: ConfigFile, current: string): ProfileSummary[] {
  return Object.entries(config.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, profile]) => ({
      name,
      current: name === current,
      coordinator: profile.coordinator
        ? { url: profile.coordinator.url ?? '', has_token: Boolean(profile.coordinator.token) }
        : null,
      contributor: profile.contributor
        ? {
            url: profile.contributor.url ?? '',
            has_token: Boolean(profile.contributor.token),
            connector: profile.contributor.connector ?? null,
          }
        : null,
      consumer: profile.consumer
        ? {
            url: profile.consumer.url ?? '',
            has_token: Boolean(profile.consumer.token),
            audience: profile.consumer.audience ?? null,
          }
        : null,
    }));
}
