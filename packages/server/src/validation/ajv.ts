/**
 * ajv set up like the original validator: every error reported, unknown keywords ignored,
 * patterns as plain (non-unicode) JavaScript regexes, and the §1.9 `email` and `uri` formats.
 */
import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';
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

/**
 * An ajv instance for one user-supplied JSON Schema (entity types, §2.4): the standard formats too,
 * and no meta-schema check (the schema is sanitised first). One instance per schema, so `$id`s
 * of different entity types never clash.
 */
export function createUserSchemaAjv(): Ajv {
  const ajv = new Ajv({ ...OPTIONS, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat('email', EMAIL_FORMAT);
  ajv.addFormat('uri', URI_FORMAT);
  return ajv;
}
