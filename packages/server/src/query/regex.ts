import { RE2JS } from 're2js';
import { Lru } from './lru.js';

/** Longest accepted `$regex` pattern, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 1000;
/** Largest compiled program accepted (bounds memory and per-character cost). */
const MAX_PROGRAM_SIZE = 10_000;

const cache = new Lru<string, RE2JS | null>(256);

/**
 * Compiles a `$regex` with RE2 (linear time: no catastrophic backtracking), or
 * null when RE2 rejects it or it is too large. `.` matches newlines, as in
 * PostgreSQL's `~`. Results are cached.
 */
export function compileRegex(pattern: string, caseInsensitive: boolean): RE2JS | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return null;
  return cache.getOrSet(`${caseInsensitive ? 'i' : '-'}${pattern}`, () => {
    try {
      const re = RE2JS.compile(pattern, RE2JS.DOTALL | (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0));
      return re.programSize() <= MAX_PROGRAM_SIZE ? re : null;
    } catch {
      return null;
    }
  });
}

/** Unanchored match of `value` against a `$regex`; false for rejected patterns. */
export function regexMatches(pattern: string, caseInsensitive: boolean, value: string): boolean {
  return compileRegex(pattern, caseInsensitive)?.test(value) ?? false;
}
