import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UsageError } from './exit-codes.js';
import type { Io } from './io.js';

/** What reading an input needs of the process: relative paths resolve against `cwd`; `-` is stdin. */
export type InputIo = Pick<Io, 'cwd' | 'readStdin'>;

/**
 * Reads a file as text; `-` reads stdin.
 * @example readText(ctx.io, 'policy.json', '--file')
 */
export function readText(io: InputIo, path: string, flag: string): string {
  try {
    return path === '-' ? io.readStdin() : readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/**
 * Reads a JSON or YAML document (YAML for `.yaml`/`.yml`, JSON otherwise, YAML as a fallback for stdin).
 * @example const body = await readStructured(ctx.io, 'policy.yaml', '--file');
 */
export async function readStructured(io: InputIo, path: string, flag: string): Promise<unknown> {
  const text = readText(io, path, flag);
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return parseYaml(text, `${flag} ${path}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (path === '-') return parseYaml(text, `${flag} (stdin)`);
    throw new UsageError(`${flag} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Parses a JSON value given on the command line, or `@FILE` to read it from a file.
 * @example await jsonArg(ctx.io, '{"team":"red"}', '--addendum') // { team: 'red' }
 */
export async function jsonArg(io: InputIo, text: string, flag: string): Promise<unknown> {
  if (text.startsWith('@')) return readStructured(io, text.slice(1), flag);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads an object-valued input (file or inline JSON) and checks that it is an object.
 * @example await objectArg(ctx.io, '@schema.json', '--schema')
 */
export async function objectArg(
  io: InputIo,
  text: string,
  flag: string,
  fromFile = false,
): Promise<Record<string, unknown>> {
  const value = fromFile ? await readStructured(io, text, flag) : await jsonArg(io, text, flag);
  if (!isPlainObject(value)) throw new UsageError(`${flag} must be a JSON object`);
  return value;
}

/**
 * Splits a comma-separated list, trimming and dropping empties.
 * @example list('a, b,,c') // ['a', 'b', 'c']
 */
export function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * Parses a non-negative integer option.
 * @example integer('30', '--cache') // 30
 */
export function integer(
  text: string | undefined,
  flag: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} must be an integer, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function parseYaml(text: string, what: string): Promise<unknown> {
  const { parse } = await import('./yaml.js');
  try {
    return parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid YAML: ${(error as Error).message}`);
  }
}
