/**
 * One `$regex` dialect on both engines. SQLite matches with RE2 (`regex.ts`); PostgreSQL with its own ARE (`~`).
 * The two agree on most syntax but not all of it: `\b` is a word boundary in RE2 and a backspace in ARE, `\w` and
 * `[[:alpha:]]` are ASCII in RE2 and Unicode in ARE, `[[.space.]]` is a collating element in ARE only, ARE allows at
 * most 255 repetitions, and has no `\p{…}`, named groups or `\Q…\E`. So a pattern is accepted only when it is RE2
 * syntax that this module can write as ARE meaning the same (`areRegex`), and PostgreSQL runs that translation:
 *
 * - classes are written as explicit code point ranges (`\d` `\s` `\w`, their negations and the POSIX classes with
 *   RE2's ASCII meaning; `[^…]` as the complement), so no locale decides what they hold;
 * - `\b` and `\B` become lookarounds over RE2's word characters `[0-9A-Za-z_]`;
 * - `\A` stays, `\z` becomes ARE's `\Z`; `\Q…\E` becomes escaped literals; `(?P<n>…)` and `(?<n>…)` become `(…)`;
 *   a leading `(?i)` stays (ARE allows options only there); `\x{…}` and `\xhh` become `\u`/`\U` escapes;
 * - every other literal that is not a letter or digit is escaped, so nothing in it is special to ARE.
 *
 * Refused (null): Unicode classes (`\pL`, `\p{Greek}`), flags other than one leading `(?i)` (`(?s)`, `(?i:…)`,
 * `a(?i)b`), octal escapes (`\0`, `\12`), and repetition counts above 255. Patterns RE2 itself refuses never get
 * here (`parse.ts` compiles them first).
 */

import { Lru } from './lru.js';

/** ARE's largest repetition count (`DUPMAX`); RE2 allows 1000. */
const MAX_REPEAT = 255;

const MAX_CODE_POINT = 0x10ffff;

type Ranges = [number, number][];

const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** RE2's `\s`: `[\t\n\f\r ]` (no `\v`). */
const SPACE: Ranges = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];

/** RE2's POSIX classes (ASCII only). */
const POSIX: Record<string, Ranges> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

/** Character escapes both dialects write alike (ARE's `\b` is a backspace, so never copied). */
const SIMPLE_ESCAPES: Record<string, number> = { a: 0x07, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

const WORD_CLASS = '[0-9A-Za-z_]';
const BOUNDARY = `(?:(?<=${WORD_CLASS})(?!${WORD_CLASS})|(?<!${WORD_CLASS})(?=${WORD_CLASS}))`;
const NOT_BOUNDARY = `(?:(?<=${WORD_CLASS})(?=${WORD_CLASS})|(?<!${WORD_CLASS})(?!${WORD_CLASS}))`;

class Refused extends Error {}
const refuse = (): never => {
  throw new Refused();
};

const translations = new Lru<string, string | null>(256);

/**
 * The ARE pattern meaning what `pattern` (RE2 syntax, already accepted by RE2) means, or null (see above), for
 * PostgreSQL's case-sensitive `~`: matching without case (`caseInsensitive`, `$options` with `i`, or a leading
 * `(?i)`) is written into the pattern, each letter as the class of its case variants under Unicode's simple case
 * folding (as RE2 folds), and a negated class as the complement of its folded set (as RE2 negates), so neither
 * the database's locale nor ARE's own case rules decide. Cached: the parser asks when it checks a query, the
 * PostgreSQL renderer when it writes the SQL.
 */
export function areRegex(pattern: string, caseInsensitive = false): string | null {
  return translations.getOrSet(`${caseInsensitive ? 'i' : '-'}${pattern}`, () => {
    try {
      return new Translator(pattern, caseInsensitive).translate();
    } catch (err) {
      if (err instanceof Refused) return null;
      throw err;
    }
  });
}

class Translator {
  #i = 0;
  readonly #cps: number[];
  #fold: boolean;

  constructor(pattern: string, caseInsensitive: boolean) {
    this.#cps = Array.from(pattern, (c) => c.codePointAt(0)!);
    this.#fold = caseInsensitive;
  }

  translate(): string {
    let out = '';
    if (this.#startsWith('(?i)')) {
      this.#fold = true;
      this.#i += 4;
    }
    while (this.#i < this.#cps.length) out += this.#atom();
    return out;
  }

  /** A set as a bracket expression: folded first when matching without case, negated after folding. */
  #set(ranges: Ranges, negated = false): string {
    const set = this.#fold ? foldClosure(ranges) : normalise(ranges);
    return classText(negated ? complement(set) : set);
  }

  /** A literal character; without case, the class of its variants when it has any. */
  #literal(c: number): string {
    if (!this.#fold) return literal(c);
    const orbit = foldOrbit(c);
    return orbit.length > 1 ? classText(orbit.map((d): [number, number] => [d, d])) : literal(c);
  }

  #startsWith(text: string): boolean {
    return String.fromCodePoint(...this.#cps.slice(this.#i, this.#i + text.length)) === text;
  }

  #peek(offset = 0): number | undefined {
    return this.#cps[this.#i + offset];
  }

  #next(): number {
    const c = this.#cps[this.#i++];
    if (c === undefined) refuse();
    return c as number;
  }

  /** One token outside a class, written as ARE. */
  #atom(): string {
    const c = this.#next();
    switch (String.fromCodePoint(c)) {
      case '\\':
        return this.#escape();
      case '[':
        return this.#class();
      case '(':
        return this.#group();
      case '{':
        return this.#brace();
      case ')':
      case '|':
      case '.':
      case '^':
      case '$':
      case '*':
      case '+':
      case '?':
        return String.fromCodePoint(c);
      default:
        return this.#literal(c);
    }
  }

  /** `(`, `(?:`, `(?P<name>` or `(?<name>`; any other `(?` is a flag group: refused. */
  #group(): string {
    if (this.#peek() !== 0x3f /* ? */) return '(';
    if (this.#peek(1) === 0x3a /* : */) {
      this.#i += 2;
      return '(?:';
    }
    const named = this.#startsWith('?P<') ? 3 : this.#startsWith('?<') ? 2 : 0;
    if (named === 0) refuse();
    this.#i += named;
    while (this.#next() !== 0x3e /* > */);
    return '(';
  }

  /** A repetition `{n}`, `{n,}` or `{n,m}` (n, m ≤ 255), or a literal `{` as RE2 reads one that is not. */
  #brace(): string {
    const rest = String.fromCodePoint(...this.#cps.slice(this.#i, this.#i + 24));
    const m = /^(\d+)(,(\d*))?\}/.exec(rest);
    if (!m) return '\\{';
    const counts = [m[1], m[3]].filter((n) => n !== undefined && n !== '').map(Number);
    if (counts.some((n) => n > MAX_REPEAT)) refuse();
    this.#i += m[0].length;
    return `{${m[0]}`;
  }

  /** An escape outside a class. */
  #escape(): string {
    const c = String.fromCodePoint(this.#next());
    switch (c) {
      case 'd':
        return this.#set(DIGIT);
      case 'D':
        return this.#set(DIGIT, true);
      case 'w':
        return this.#set(WORD);
      case 'W':
        return this.#set(WORD, true);
      case 's':
        return this.#set(SPACE);
      case 'S':
        return this.#set(SPACE, true);
      case 'b':
        return BOUNDARY;
      case 'B':
        return NOT_BOUNDARY;
      case 'A':
        return '\\A';
      case 'z':
        return '\\Z';
      case 'Q':
        return this.#quoted();
      default:
        return this.#literal(this.#characterEscape(c));
    }
  }

  /** `\Q…\E` (or to the end): each character literal. */
  #quoted(): string {
    let out = '';
    while (this.#i < this.#cps.length) {
      if (this.#peek() === 0x5c && this.#peek(1) === 0x45 /* \E */) {
        this.#i += 2;
        return out;
      }
      out += this.#literal(this.#next());
    }
    return out;
  }

  /** The code point of a character escape (`\n`, `\x41`, `\x{1F600}`, `\.`); refused for the rest. */
  #characterEscape(c: string): number {
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c] as number;
    if (c === 'x') {
      if (this.#peek() === 0x7b /* { */) {
        this.#i++;
        let hex = '';
        for (let d = this.#next(); d !== 0x7d /* } */; d = this.#next()) hex += String.fromCodePoint(d);
        return codePoint(hex);
      }
      return codePoint(String.fromCodePoint(this.#next(), this.#next()));
    }
    // letters and digits are escapes RE2 gives a meaning ARE may not share (\pL, \0, \C…): refused
    if (/^[\p{L}\p{N}]$/u.test(c)) refuse();
    return c.codePointAt(0)!;
  }

  /** A class `[…]` (its `[` read) as a bracket expression. */
  #class(): string {
    const negated = this.#peek() === 0x5e; /* ^ */
    if (negated) this.#i++;
    const ranges: Ranges = [];
    let first = true;
    for (;;) {
      const c = this.#next();
      if (c === 0x5d /* ] */ && !first) break;
      first = false;
      if (c === 0x5b /* [ */ && this.#peek() === 0x3a /* : */) {
        const posix = /^:(\^?)([a-z]+):\]/.exec(String.fromCodePoint(...this.#cps.slice(this.#i, this.#i + 12)));
        if (posix) {
          this.#i += posix[0].length;
          const set = POSIX[posix[2] as string] ?? refuse();
          ranges.push(...(posix[1] ? complement(this.#fold ? foldClosure(set) : set) : set));
          continue;
        }
      }
      let lo: number;
      if (c === 0x5c /* \ */) {
        const e = String.fromCodePoint(this.#next());
        const positive = { d: DIGIT, w: WORD, s: SPACE }[e.toLowerCase() as 'd'];
        if (positive && /^[dDwWsS]$/.test(e)) {
          ranges.push(
            ...(e === e.toUpperCase() ? complement(this.#fold ? foldClosure(positive) : positive) : positive),
          );
          continue;
        }
        lo = this.#characterEscape(e);
      } else lo = c;
      // a range `lo-hi`, unless the `-` ends the class
      if (this.#peek() === 0x2d /* - */ && this.#peek(1) !== undefined && this.#peek(1) !== 0x5d) {
        this.#i++;
        let hi = this.#next();
        if (hi === 0x5c) hi = this.#characterEscape(String.fromCodePoint(this.#next()));
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    return this.#set(ranges, negated);
  }
}

/** Every code point with case variants, and its class of variants (built on first use). */
let orbits: Map<number, number[]> | undefined;

/**
 * The code points equal to `c` under Unicode's simple case folding, `c` included. JavaScript's `/…/iu` matches by
 * that folding (as RE2 does); lower- and upper-casing propose the candidates, the `iu` match confirms each (so `ı`,
 * whose upper case `I` folds elsewhere, stays alone), and the classes are closed over what they join (`K`, `k` and
 * the Kelvin sign are one).
 */
function foldOrbit(c: number): number[] {
  orbits ??= buildOrbits();
  return orbits.get(c) ?? [c];
}

function buildOrbits(): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (let c = 0; c <= 0x1ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    for (const variant of [s.toLowerCase(), s.toUpperCase()]) {
      const d = variant.codePointAt(0)!;
      if (variant === s || String.fromCodePoint(d) !== variant) continue;
      if (!new RegExp(`^\\u{${c.toString(16)}}$`, 'iu').test(variant)) continue;
      const a = find(c);
      const b = find(d);
      if (!parent.has(a)) parent.set(a, a);
      if (!parent.has(b)) parent.set(b, b);
      if (a !== b) parent.set(a, b);
    }
  }
  const classes = new Map<number, number[]>();
  for (const c of parent.keys()) {
    const root = find(c);
    const members = classes.get(root) ?? [];
    members.push(c);
    classes.set(root, members);
  }
  const out = new Map<number, number[]>();
  for (const members of classes.values()) {
    members.sort((a, b) => a - b);
    for (const m of members) out.set(m, members);
  }
  return out;
}

/** The set with every case variant of its members added (RE2 folds a class before it negates it). */
function foldClosure(ranges: Ranges): Ranges {
  orbits ??= buildOrbits();
  const set = normalise(ranges);
  const added: Ranges = [];
  for (const [c, orbit] of orbits) if (inRanges(set, c)) for (const d of orbit) added.push([d, d]);
  return normalise([...set, ...added]);
}

function inRanges(ranges: Ranges, c: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid]!;
    if (c < a) hi = mid - 1;
    else if (c > b) lo = mid + 1;
    else return true;
  }
  return false;
}

function codePoint(hex: string): number {
  if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) refuse();
  const n = Number.parseInt(hex, 16);
  if (n > MAX_CODE_POINT) refuse();
  return n;
}

/** A literal character as ARE reads it: letters and digits as themselves, anything else escaped. */
function literal(c: number): string {
  if (/^[\p{L}\p{N}]$/u.test(String.fromCodePoint(c)) && c !== 0x5f) return String.fromCodePoint(c);
  return escapeCode(c);
}

function escapeCode(c: number): string {
  return c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** Sorted, merged, without the surrogate block (PostgreSQL text never holds one). */
function normalise(ranges: Ranges): Ranges {
  const sorted = ranges
    .flatMap(([lo, hi]): Ranges => {
      if (hi < 0xd800 || lo > 0xdfff) return [[lo, hi]];
      const parts: Ranges = [];
      if (lo < 0xd800) parts.push([lo, 0xd7ff]);
      if (hi > 0xdfff) parts.push([0xe000, hi]);
      return parts;
    })
    .sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [lo, hi] of normalise(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return normalise(out);
}

/** A class of ranges as an ARE bracket expression of escapes; an empty class as one that matches nothing. */
function classText(ranges: Ranges): string {
  const merged = normalise(ranges);
  if (merged.length === 0) return '(?!)';
  return `[${merged.map(([lo, hi]) => (lo === hi ? escapeCode(lo) : `${escapeCode(lo)}-${escapeCode(hi)}`)).join('')}]`;
}
