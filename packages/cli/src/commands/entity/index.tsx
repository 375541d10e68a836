import type { EntityTypeDetail, EntityTypeInput, TimeseriesDeclaration } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { type InputIo, isPlainObject, list, objectArg } from '../../lib/read-input.js';

export interface EntityTypeFields {
  eid: string;
  name?: string;
  description?: string;
  /** JSON/YAML file holding the JSON Schema of `entity`. */
  schema?: string;
  /** JSON/YAML file holding `{ tsid: { period, value, unit } }`. */
  timeseries?: string;
  tags?: string;
  icon?: string;
  /** Comma-separated dotted paths the catalog indexes (bbk extension). */
  indexes?: string;
  /** JSON/YAML file holding a whole entity type body; flags override its fields. */
  file?: string;
}

/** `bbk entity list` */
export async function entityList(_options: unknown, ctx: CommandContext): Promise<Output> {
  const types = await ctx.coordinator().entityTypes.list();
  return {
    data: types,
    ids: types.map((t) => t.id),
    view: lazy(views, (v) => <v.EntityTypeTable types={types} width={ctx.columns} />),
  };
}

/** `bbk entity add <eid> --name --description [--schema FILE] [--timeseries FILE]`: prints the created type. */
export async function entityAdd(options: EntityTypeFields, ctx: CommandContext): Promise<Output> {
  const base = options.file ? await bodyFile(ctx.io, options.file) : {};
  const input = await merge(ctx.io, base, options);
  input.name = await need(input.name, { flag: '--name', label: 'entity type name' }, ctx);
  input.description = await need(input.description, { flag: '--description', label: 'entity type description' }, ctx);
  const api = ctx.coordinator().entityTypes;
  const { id } = await api.create(options.eid, input as EntityTypeInput);
  return detail(await api.get(id), ctx);
}

/** `bbk entity show <eid>` */
export async function entityShow(options: { eid: string }, ctx: CommandContext): Promise<Output> {
  return detail(await ctx.coordinator().entityTypes.get(options.eid), ctx);
}

/** `bbk entity update <eid> [flags]`: fields not given keep their current values. */
export async function entityUpdate(options: EntityTypeFields, ctx: CommandContext): Promise<Output> {
  const { name: n, description: d, schema: s, timeseries: t, tags, icon: i, indexes: x } = options;
  const flags = [n, d, s, t, tags, i, x];
  if (!options.file && flags.every((flag) => flag === undefined)) {
    throw new UsageError(
      'nothing to update: give --name, --description, --schema, --timeseries, --tags, --icon, --indexes or --file',
    );
  }
  const api = ctx.coordinator().entityTypes;
  const current = await api.get(options.eid);
  const { name, description, schema, timeseries, icon } = current;
  // `indexes` is a bbk extension a server may or may not echo: kept when it does.
  const indexes = (current as { indexes?: unknown }).indexes;
  const base: Partial<EntityTypeInput> = options.file
    ? await bodyFile(ctx.io, options.file)
    : {
        name,
        description,
        schema,
        timeseries,
        tags: current.tags,
        icon,
        ...(Array.isArray(indexes) ? { indexes } : {}),
      };
  const input = await merge(ctx.io, base, options);
  await api.update(options.eid, input as EntityTypeInput);
  return detail(await api.get(options.eid), ctx);
}

/** `bbk entity rm <eid>`: also deletes its connectors and their records. */
export async function entityRm(options: { eid: string }, ctx: CommandContext): Promise<Output> {
  await ctx.coordinator().entityTypes.delete(options.eid);
  const id = options.eid.toLowerCase();
  return done({ id, deleted: true }, id, `Entity type ${id} deleted, with its connectors and their records.`);
}

function detail(type: EntityTypeDetail, ctx: CommandContext): Output {
  return { data: type, ids: [type.id], view: lazy(views, (v) => <v.EntityTypeView type={type} width={ctx.columns} />) };
}

const views = () => import('./views.js');

async function bodyFile(io: InputIo, path: string): Promise<Partial<EntityTypeInput>> {
  return (await objectArg(io, path, '--file', true)) as Partial<EntityTypeInput>;
}

/** Applies the flags over a base body. The server validates the result. */
async function merge(
  io: InputIo,
  base: Partial<EntityTypeInput>,
  options: EntityTypeFields,
): Promise<Partial<EntityTypeInput>> {
  const input: Partial<EntityTypeInput> = { ...base };
  if (options.name !== undefined) input.name = options.name;
  if (options.description !== undefined) input.description = options.description;
  if (options.schema !== undefined) input.schema = await objectArg(io, options.schema, '--schema', true);
  if (options.timeseries !== undefined) {
    const series = await objectArg(io, options.timeseries, '--timeseries', true);
    for (const [id, value] of Object.entries(series)) {
      if (!isPlainObject(value)) throw new UsageError(`--timeseries: "${id}" must be an object {period, value, unit}`);
    }
    input.timeseries = series as Record<string, TimeseriesDeclaration>;
  }
  if (options.tags !== undefined) input.tags = list(options.tags) ?? [];
  if (options.icon !== undefined) input.icon = options.icon;
  if (options.indexes !== undefined) input.indexes = list(options.indexes) ?? [];
  return input;
}
