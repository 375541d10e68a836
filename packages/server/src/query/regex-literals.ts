/** Shortest fragment worth looking up: a trigram index cannot answer for fewer characters. */
export const MIN_LITERAL = 3;

const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;

/** Printable ASCII: the only characters a fragment may hold (their case folding is plain A–Z/a–z). */
const isPlainAscii = (c: string) => c >= ' ' && c <= '~';

/**
 * Index just past the group or class starting at `i` (`(` or `[`), honouring escapes and nested
 * classes; `pattern.length` when it never closes (RE2 refuses such patterns anyway).
 */
function skipNested(pattern: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (let j = i; j < pattern.length; j++) {
    const c = pattern[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[j + 1] === ':') {
        const end = pattern.indexOf(':]', j + 2);
        if (end > 0) j = end + 1;
      } else if (c === ']') {
        inClass = false;
        if (depth === 0) return j + 1;
      }
      continue;
    }
    if (c === '[') {
      inClass = true;
      // a `]` right after `[` or `[^` is a member, not the end
      if (pattern[j + 1] === '^') j++;
      if (pattern[j + 1] === ']') j++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return pattern.length;
}

/** True when `pattern` has a `|` outside every group and class (an alternation of the whole pattern). */
function hasTopLevelAlternation(pattern: string): boolean {
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '\\') i += 2;
    else if (c === '(' || c === '[') i = skipNested(pattern, i);
    else if (c === '|') return true;
    else i++;
  }
  return false;
}

/**
 * The literal fragments (printable ASCII, at least {@link MIN_LITERAL} characters) that every string an RE2
 * `pattern` matches must contain, compared without ASCII case: the pattern's top-level sequence read left to
 * right, with anything that is not a plain character (groups, classes, `.`, anchors, escapes of letters, optional
 * atoms) ending a fragment. Conservative by construction: when in doubt a fragment ends or none is returned, never
 * one that a match could lack. A trigram index (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`) then narrows a regex
 * to the records holding every fragment, and RE2 checks those.
 * @example requiredLiterals('^united k.*dom \\d+$') // ['united k', 'dom ']
 * @example requiredLiterals('a|b') // [] (alternation: no fragment is required)
 */
export function requiredLiterals(pattern: string): string[] {
  if (hasTopLevelAlternation(pattern)) return [];
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run.length >= MIN_LITERAL) runs.push(run);
    run = '';
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern.charAt(i);
    let literal: string | undefined;
    if (c === '\\') {
      const next = pattern.charAt(i + 1);
      // an escaped punctuation mark is that mark; an escaped letter or digit is a class, an anchor, a
      // code point or `\Q…\E`: stop reading (what was found so far is still required)
      if (!isPlainAscii(next) || /[A-Za-z0-9]/.test(next)) break;
      literal = next;
      i += 2;
    } else if (c === '(' || c === '[') {
      end();
      i = skipNested(pattern, i);
      continue;
    } else if ('.^$)'.includes(c)) {
      end();
      i++;
      continue;
    } else if ('*?+{'.includes(c)) {
      // a quantifier after a fragment's last character: `*`, `?`, `{0,…}` make it optional; `+`, `{n≥1,…}`
      // keep it once, but what follows no longer adjoins it
      const repeat = c === '{' ? REPEAT.exec(pattern.slice(i)) : null;
      if (c === '*' || c === '?' || (repeat && Number(repeat[1]) === 0)) run = run.slice(0, -1);
      end();
      i += repeat ? repeat[0].length : 1;
      if (pattern[i] === '?') i++; // lazy form
      continue;
    } else {
      literal = isPlainAscii(c) ? c : undefined;
      i++;
    }
    if (literal === undefined) {
      end();
      continue;
    }
    // a quantifier applies to this character alone, so it must be seen before the character joins the run
    run += literal;
  }
  end();
  return runs;
}
