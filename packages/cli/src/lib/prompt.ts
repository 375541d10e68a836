import type { CommandContext } from './context.js';
import { UsageError } from './exit-codes.js';

/** How to ask for a missing value. */
export interface Ask {
  /** The flag or argument that provides the value, e.g. `--name` or `<UID>`. */
  flag: string;
  /** What the value is, for the prompt and the error message. */
  label: string;
  /** Hide typed characters (tokens). */
  secret?: boolean;
  /** Returns an error text, or true when the value is acceptable. */
  validate?: (value: string) => true | string;
  /** Offer these choices instead of free text. */
  choices?: readonly string[];
}

/** Prompts write to stderr so that stdout stays clean for `--json` and pipes. */
const promptContext = () => ({ output: process.stderr });

/**
 * Returns `value` when given; otherwise prompts for it on a TTY, or fails with exit 2 naming the value.
 * @example const name = await need(opts.name, { flag: '--name', label: 'user name' }, ctx);
 */
export async function need(value: string | undefined, ask: Ask, ctx: CommandContext): Promise<string> {
  // An explicitly given value, even empty, goes to the server, which reports what is wrong with it.
  if (value !== undefined) return value;
  if (!ctx.interactive) throw missing(ask);
  const prompts = await import('@inquirer/prompts');
  const message = `${capitalise(ask.label)} (${ask.flag})`;
  if (ask.choices) {
    return prompts.select({ message, choices: ask.choices.map((c) => ({ value: c, name: c })) }, promptContext());
  }
  const validate = (text: string): true | string => {
    if (text.trim() === '') return `${ask.label} is required`;
    return ask.validate ? ask.validate(text) : true;
  };
  if (ask.secret) return prompts.password({ message, mask: '*', validate }, promptContext());
  return prompts.input({ message, validate }, promptContext());
}

/** The exit-2 error for a value that is required and absent. */
export function missing(ask: Pick<Ask, 'flag' | 'label'>): UsageError {
  return new UsageError(`missing required value: ${ask.flag} (${ask.label})`);
}

/** A choice of `select` and `checkbox`. */
export interface Choice<T> {
  name: string;
  value: T;
  checked?: boolean;
}

/** The prompts a wizard uses, all writing to stderr. Declared here to keep inquirer's deep generics out of our types. */
export interface Prompts {
  input(config: {
    message: string;
    default?: string | undefined;
    validate?: (value: string) => true | string;
  }): Promise<string>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(config: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(config: { message: string; choices: Choice<T>[] }): Promise<T[]>;
}

/**
 * Loads the prompts (lazily: only interactive runs pay for inquirer).
 * @example const p = await loadPrompts(); const name = await p.input({ message: 'Name' });
 */
export async function loadPrompts(): Promise<Prompts> {
  const prompts = await import('@inquirer/prompts');
  const ctx = promptContext();
  return {
    input: (config) => prompts.input(config, ctx),
    confirm: (config) => prompts.confirm(config, ctx),
    select: (config) => prompts.select(config, ctx),
    checkbox: (config) => prompts.checkbox(config, ctx),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
