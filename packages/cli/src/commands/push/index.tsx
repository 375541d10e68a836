import { recordUpsertSchema, type SessionMode } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { liveProgress } from '../../lib/progress.js';
import { need } from '../../lib/prompt.js';
import { type InputIo, integer, objectArg } from '../../lib/read-input.js';
import { compileCheck, describeProblems } from '../../lib/validate.js';
import { type Candidate, type InputFormat, readRecords } from './read-records.js';
import { Interrupted, sendRecords } from './send.js';
import type { PushReport } from './views.js';

export interface PushOptions {
  file: string;
  /** Contribution id (40 hex characters) of the connector. */
  connector?: string;
  mode: SessionMode;
  format?: InputFormat;
  map?: string[];
  delimiter?: string;
  batchSize?: string;
  keepPrivate?: boolean;
  dryRun?: boolean;
  /** Dry run: JSON Schema file of the entity type. */
  schema?: string;
  /** Dry run: entity type whose schema is read with the Coordinator API. */
  entity?: string;
  atomic?: boolean;
}

/**
 * `bbk push FILE --connector CID [--mode accrue|stream|replace]`: uploads records in batches within one
 * session, with a progress bar on a terminal, and reports accepted and rejected records (exit 6 if any rejected).
 */
export async function push(options: PushOptions, ctx: CommandContext): Promise<Output> {
  const batchSize = integer(options.batchSize, '--batch-size', 1, 250) ?? 250;
  if (options.atomic && options.mode === 'stream') {
    throw new UsageError('--atomic needs an accrue or replace session: a stream session cannot be rolled back');
  }
  if ((options.schema || options.entity) && !options.dryRun)
    throw new UsageError('--schema and --entity go with --dry-run');
  const read = readChecked(ctx.io, options);
  const report = emptyReport(options, read);
  if (options.dryRun) return dryRun(options, ctx, read, report);

  const cid = await need(
    options.connector ?? ctx.io.env.BBK_CONNECTOR ?? ctx.settings.login('contributor').connector,
    { flag: '--connector', label: 'contribution id of the connector (see bbk connector show)' },
    ctx,
  );
  report.connector = cid;
  const valid = read.candidates.filter((c) => c.problems.length === 0);
  if (valid.length === 0 && read.candidates.length > 0) {
    // Every record failed the local checks: open no session (a replace session would empty the connector).
    report.aborted = 'every record was rejected before sending, so no session was opened';
    return finish(report, { valid, rejected: read.candidates }, ctx);
  }
  const total = valid.length;
  const progress = await liveProgress<number>(ctx, 0, (done) => ({ label: 'Pushing', done, total }), total > 0);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await sendRecords(valid, {
      contributor: ctx.contributor(),
      cid,
      mode: options.mode,
      batchSize,
      atomic: options.atomic === true,
      onProgress: progress.update,
      interrupted: () => interrupted,
    });
    report.session = result.session;
    report.committed = result.committed;
    report.aborted = result.aborted ?? null;
    report.ids = result.ids;
    const serverRejected = new Set(result.rejected.map((c) => c.index));
    return finish(
      report,
      {
        valid: valid.filter((c) => !serverRejected.has(c.index)),
        rejected: [...read.candidates.filter((c) => c.problems.length > 0), ...result.rejected],
      },
      ctx,
    );
  } catch (error) {
    if (error instanceof Interrupted) throw new CliError(error.message, EXIT.INTERRUPTED);
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await progress.stop();
  }
}

/** Reads the file and checks each record's shape (spec §3.2) locally. */
function readChecked(io: InputIo, options: PushOptions): ReturnType<typeof readRecords> {
  const read = readRecords(io, options.file, {
    ...(options.format ? { format: options.format } : {}),
    ...(options.map ? { maps: options.map } : {}),
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    keepPrivate: options.keepPrivate === true,
  });
  const shape = compileCheck(recordUpsertSchema.items).check;
  for (const candidate of read.candidates) {
    if (candidate.problems.length === 0) candidate.problems.push(...describeProblems(shape(candidate.record)));
  }
  return read;
}

function emptyReport(options: PushOptions, read: ReturnType<typeof readRecords>): PushReport {
  return {
    file: options.file,
    format: read.format,
    connector: null,
    mode: options.mode,
    dry_run: options.dryRun === true,
    schema_checked: false,
    session: null,
    committed: false,
    aborted: null,
    read: read.candidates.length,
    accepted: 0,
    upserted: 0,
    duplicates: 0,
    rejected: 0,
    rejections: [],
    dropped_keys: read.dropped,
    ids: {},
  };
}

/** `--dry-run`: the local checks, and the entity type's schema when one is given or can be read. */
async function dryRun(
  options: PushOptions,
  ctx: CommandContext,
  read: ReturnType<typeof readRecords>,
  report: PushReport,
): Promise<Output> {
  const schema = await entitySchema(options, ctx);
  if (schema) {
    report.schema_checked = true;
    const check = compileCheck(schema, 'entity').check;
    for (const candidate of read.candidates) {
      if (candidate.problems.length === 0) candidate.problems.push(...describeProblems(check(candidate.record.entity)));
    }
  }
  const valid = read.candidates.filter((c) => c.problems.length === 0);
  return finish(report, { valid, rejected: read.candidates.filter((c) => c.problems.length > 0) }, ctx);
}

function finish(
  report: PushReport,
  outcome: { valid: Candidate[]; rejected: Candidate[] },
  ctx: CommandContext,
): Output {
  const seen = new Set<unknown>();
  for (const candidate of outcome.valid) {
    if (seen.has(candidate.record.id)) report.duplicates++;
    seen.add(candidate.record.id);
  }
  const rejected = [...outcome.rejected].sort((a, b) => a.index - b.index);
  report.accepted = outcome.valid.length;
  report.upserted = report.committed ? Object.keys(report.ids).length : 0;
  report.rejected = rejected.length;
  report.rejections = rejected.map((c) => ({
    location: c.location,
    id: typeof c.record.id === 'string' ? c.record.id : null,
    reasons: c.problems,
  }));
  const failed = report.rejected > 0 || (!report.dry_run && !report.committed);
  return {
    data: report,
    ids: Object.values(report.ids),
    view: lazy(
      () => import('./views.js'),
      (v) => <v.PushReportView report={report} width={ctx.columns} />,
    ),
    ...(failed ? { exitCode: EXIT.INVALID } : {}),
  };
}

async function entitySchema(options: PushOptions, ctx: CommandContext): Promise<Record<string, unknown> | undefined> {
  const schema = options.schema
    ? await objectArg(ctx.io, options.schema, '--schema', true)
    : options.entity
      ? (await ctx.coordinator().entityTypes.get(options.entity)).schema
      : undefined;
  // An empty schema accepts any entity (spec §3.2).
  return schema && Object.keys(schema).length ? schema : undefined;
}
