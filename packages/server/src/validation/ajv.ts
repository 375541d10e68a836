/**
 * ajv set up like the original validator: every error reported, unknown keywords ignored,
 * patterns as plain (non-unicode) JavaScript regexes, and the §1.9 `email` and `uri` formats.
 */
import { _, Ajv, type Options } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import formatsPlugin from 'ajv-formats';
import { RE2JS } from 're2js';
import { EMAIL_FORMAT, URI_FORMAT } from './formats.js';

const addFormats = formatsPlugin.default;

const OPTIONS: Options = {
  allErrors: true,
  strict: false,
  verbose: true,
  unicodeRegExp: false,
  logger: false,
};

/** An ajv instance for the API's own request schemas. */
export function createAjv(): Ajv {
  const ajv = new Ajv(OPTIONS);
  ajv.addFormat('email', EMAIL_FORMAT);
  ajv.addFormat('uri', URI_FORMAT);
  return ajv;
}

/** Largest compiled `pattern` program accepted in a user schema (bounds the per-character cost). */
const MAX_PATTERN_PROGRAM = 10_000;

/**
 * `pattern` and `patternProperties` of user schemas run on RE2 (linear time), so a record cannot
 * make a backtracking pattern such as `^(a+)+$` stall the server. A pattern RE2 cannot compile
 * (backreferences, lookaround) makes the schema one that cannot be loaded.
 */
const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern);
    if (re.programSize() > MAX_PATTERN_PROGRAM) throw new Error(`pattern too large: ${pattern.slice(0, 40)}`);
    // ajv keys its compiled patterns by `toString()`: it must name the pattern
    return { test: (text: string) => re.test(text), toString: () => `/${pattern}/` };
  },
  // generated standalone code names the engine by this module id (see user-schema-code.ts)
  { code: 'require("bbk:re2")' },
);

/**
 * The modules generated user-schema code requires besides ajv's own runtime: the RE2 engine and
 * the formats (what `addFormats` adds, with bbk's `email` and `uri`).
 */
export function userSchemaModules(): Record<'bbk:re2' | 'bbk:formats', unknown> {
  return { 'bbk:re2': re2RegExp, 'bbk:formats': createUserSchemaAjv().formats };
}

/**
 * An ajv instance for one user-supplied JSON Schema (entity types, §2.4): the standard formats too,
 * and no meta-schema check (the schema is sanitised first). One instance per schema, so `$id`s
 * of different entity types never clash.
 */
export function createUserSchemaAjv({ source = false }: { source?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    ...OPTIONS,
    validateSchema: false,
    code: { regExp: re2RegExp, source, formats: _`require("bbk:formats")` },
  });
  addFormats(ajv);
  ajv.addFormat('email', EMAIL_FORMAT);
  ajv.addFormat('uri', URI_FORMAT);
  return ajv;
}
