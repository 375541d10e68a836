import {
  type DataSegment,
  LEGAL_TYPES,
  type LegalItem,
  type LegalType,
  type PolicyInput,
  policySchema,
} from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT } from '../../lib/exit-codes.js';
import { loadPrompts, type Prompts } from '../../lib/prompt.js';
import { andQueries, queryProblem, whereCondition } from '../../lib/query.js';
import { list } from '../../lib/read-input.js';
import { compileCheck, describeProblems } from '../../lib/validate.js';

export interface WizardOptions {
  pid: string;
  /** Values to start from (update, or flags given with add). */
  initial: Partial<PolicyInput>;
  ctx: CommandContext;
}

type Query = Record<string, unknown>;

/**
 * Builds a policy body step by step on a terminal: name, description, tags, segment query
 * (from entity types and `--where`-style conditions, or typed as JSON), field masks, rate and quota,
 * legal notices. Every answer is checked as it is given; the whole body is checked at the end.
 */
export async function policyWizard({ pid, initial, ctx }: WizardOptions): Promise<PolicyInput> {
  const p = await loadPrompts();
  const policy = initial.policy;
  ctx.io.stderr.write(`Policy ${pid}: answer each question (Ctrl+C cancels, nothing is saved until the end).\n`);
  const name = await p.input({ message: 'Name', default: initial.name, validate: length('name', 1, 64) });
  const description = await p.input({
    message: 'Description',
    default: initial.description,
    validate: length('description', 1, 2048),
  });
  const tags =
    list(
      await p.input({
        message: 'Tags (comma-separated, optional)',
        default: initial.tags?.join(', '),
        validate: tagsRule,
      }),
    ) ?? [];
  const segmentQuery = await segmentStep(p, ctx, policy?.data_segment?.segment_query as Query | undefined);
  const masks = list(
    await p.input({
      message: 'Field masks to hide (comma-separated, e.g. country.entity.capital; optional)',
      default: policy?.data_segment?.field_masks?.join(', '),
      validate: masksRule,
    }),
  );
  const accessControl = await accessStep(p, policy?.access_control);
  const legal = await legalStep(p, policy?.legal_context ?? []);

  const body: PolicyInput = {
    name,
    description,
    tags,
    policy: {
      ...policy,
      access_control: accessControl,
      data_segment: {
        segment_query: segmentQuery as unknown as DataSegment['segment_query'],
        ...(masks?.length ? { field_masks: masks } : {}),
      },
      legal_context: legal,
    },
  };
  const problems = describeProblems(compileCheck(policySchema).check(body));
  if (problems.length) throw new CliError('the policy built is not valid', EXIT.INVALID, problems);
  ctx.io.stderr.write(`\n${JSON.stringify(body, null, 2)}\n\n`);
  const verb = initial.policy ? 'Update' : 'Create';
  if (!(await p.confirm({ message: `${verb} policy ${pid} as shown?`, default: true }))) {
    throw new CliError('cancelled: nothing was saved', EXIT.INTERRUPTED);
  }
  return body;
}

async function segmentStep(p: Prompts, ctx: CommandContext, current: Query | undefined): Promise<Query> {
  const how = await p.select<'build' | 'json' | 'keep'>({
    message: 'Segment query: which records does this policy share?',
    choices: [
      ...(current ? [{ name: `Keep the current query ${JSON.stringify(current)}`, value: 'keep' as const }] : []),
      { name: 'Build it: pick entity types, then add conditions', value: 'build' as const },
      { name: 'Type it as JSON', value: 'json' as const },
    ],
  });
  if (how === 'keep' && current) return current;
  if (how === 'json') {
    const text = await p.input({
      message: 'Segment query (JSON)',
      default: current ? JSON.stringify(current) : undefined,
      validate: (value) => {
        try {
          return queryProblem(JSON.parse(value)) ?? true;
        } catch (error) {
          return `not valid JSON: ${(error as Error).message}`;
        }
      },
    });
    return JSON.parse(text) as Query;
  }
  const types = await ctx
    .coordinator()
    .entityTypes.list()
    .then((all) => all.map((t) => t.id))
    .catch(() => [] as string[]);
  for (;;) {
    const picked = types.length
      ? await p.checkbox<string>({
          message: 'Entity types to share (space selects, enter confirms)',
          choices: types.map((t) => ({ name: t, value: t })),
        })
      : [];
    const parts: Query[] = [];
    if (picked.length === 1) parts.push({ type: picked[0] });
    if (picked.length > 1) parts.push({ type: { $in: picked } });
    for (;;) {
      const text = await p.input({
        message: 'Condition, e.g. entity.population > 1000000 (empty to finish)',
        validate: (value) => {
          if (value.trim() === '') return true;
          try {
            whereCondition(value);
            return true;
          } catch (error) {
            return (error as Error).message;
          }
        },
      });
      if (text.trim() === '') break;
      parts.push(whereCondition(text));
    }
    const query = andQueries(parts);
    if (query) return query;
    ctx.io.stderr.write('An empty segment query shares nothing: pick an entity type or add a condition.\n');
  }
}

async function accessStep(p: Prompts, current: PolicyInput['policy']['access_control'] | undefined) {
  const enabled = await p.confirm({
    message: 'Limit consumers of this policy (rate and quota)?',
    default: current?.enabled ?? false,
  });
  if (!enabled) return { enabled: false };
  const rate = await p.input({
    message: 'Most calls per second (empty: no rate limit)',
    default: current?.rate === undefined ? undefined : String(current.rate),
    validate: optionalInteger,
  });
  const max = await p.input({
    message: 'Most calls per day or month (empty: no quota)',
    default: current?.quota ? String(current.quota.max_number) : undefined,
    validate: optionalInteger,
  });
  const access: PolicyInput['policy']['access_control'] = { enabled: true };
  if (rate.trim() !== '') access.rate = Number(rate);
  if (max.trim() !== '') {
    const interval = await p.select<'day' | 'month'>({
      message: 'Quota period',
      default: current?.quota?.interval_type ?? 'day',
      choices: [
        { name: 'day', value: 'day' },
        { name: 'month', value: 'month' },
      ],
    });
    access.quota = { max_number: Number(max), interval_type: interval };
  }
  return access;
}

async function legalStep(p: Prompts, current: readonly LegalItem[]): Promise<LegalItem[]> {
  const legal: LegalItem[] = [];
  if (
    current.length &&
    (await p.confirm({ message: `Keep the ${current.length} current legal notice(s)?`, default: true }))
  ) {
    legal.push(...current);
  }
  while (
    legal.length < 100 &&
    (await p.confirm({ message: 'Add a legal notice (license, attribution, terms…)?', default: legal.length === 0 }))
  ) {
    const type = await p.select<LegalType>({
      message: 'Kind of notice',
      choices: LEGAL_TYPES.map((t) => ({ name: t, value: t })),
    });
    const text = await p.input({ message: 'Text', validate: length('text', 1, 256) });
    const link = await p.input({ message: 'Link (http or https URL; empty for none)', validate: linkRule });
    legal.push({ type, text, link: link.trim() === '' ? null : link.trim() });
  }
  return legal;
}

function length(what: string, min: number, max: number) {
  return (value: string): true | string =>
    value.length < min ? `${what} is required` : value.length > max ? `${what} is longer than ${max} characters` : true;
}

function tagsRule(value: string): true | string {
  const tags = list(value) ?? [];
  if (tags.length > 16) return 'at most 16 tags';
  if (new Set(tags).size !== tags.length) return 'tags must be distinct';
  return tags.every((t) => t.length <= 64) || 'each tag is at most 64 characters';
}

function masksRule(value: string): true | string {
  const bad = (list(value) ?? []).filter((m) => !/^[a-z][a-z0-9-]+(\.[^.\s]+)+$/.test(m));
  return (
    bad.length === 0 || `not a field mask: ${bad.join(', ')} (use type.entity.field, type.instance.field or type.field)`
  );
}

function optionalInteger(value: string): true | string {
  return value.trim() === '' || /^\d+$/.test(value.trim()) || 'enter a whole number ≥ 0, or leave it empty';
}

function linkRule(value: string): true | string {
  const text = value.trim();
  if (text === '') return true;
  if (text.length > 1024) return 'a link is at most 1024 characters';
  return /^https?:\/\/\S+$/.test(text) || 'a link starts with http:// or https://';
}
