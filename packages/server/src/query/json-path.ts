const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A path segment that indexes arrays: small non-negative integers only (an over-long index would be a path error at run time). */
export const INDEX_SEGMENT = /^(0|[1-9][0-9]{0,8})$/;

function quoteKey(key: string): string {
  let out = '"';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    const code = key.charCodeAt(i);
    // SQLite ends a quoted path key at the first '"', whatever precedes it, so a
    // quote must travel as \u0022; control characters and lone surrogates are
    // escaped too, so the SQL text stays plain printable UTF-8.
    const lone =
      (code >= 0xd800 && code <= 0xdbff && !(key.charCodeAt(i + 1) >= 0xdc00 && key.charCodeAt(i + 1) <= 0xdfff)) ||
      (code >= 0xdc00 && code <= 0xdfff && !(key.charCodeAt(i - 1) >= 0xd800 && key.charCodeAt(i - 1) <= 0xdbff));
    if (ch === '"' || code < 0x20 || code === 0x7f || lone) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (ch === '\\') out += '\\\\';
    else out += ch;
  }
  return `${out}"`;
}

/**
 * SQLite JSON path for path segments: plain keys as `.key`, numeric segments as
 * array indexes `[0]`, any other key quoted (`."a b"`).
 * @example jsonPath(['entity', 'langs', '0']) // '$.entity.langs[0]'
 */
export function jsonPath(segments: readonly string[]): string {
  let out = '$';
  for (const s of segments) {
    if (INDEX_SEGMENT.test(s)) out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += `.${s}`;
    else out += `.${quoteKey(s)}`;
  }
  return out;
}

/** A SQL string literal (single quotes doubled). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The one place a JSON path enters SQL text: embedded as a literal (not a
 * parameter) so expression indexes such as `json_extract(doc, '$.entity.iso')`
 * can serve the query. Storage must build its index expressions with it too.
 * @example jsonPathLiteral(['entity', "it's"]) // `'$.entity."it''s"'`
 */
export function jsonPathLiteral(segments: readonly string[]): string {
  return sqlString(jsonPath(segments));
}
