/**
 * Strict JSON request bodies (spec §1.5, §1.8): the top level must be an object or an array, and
 * a syntax error is reported as the original (Node 16) reported it, under the name `syntax`.
 */
import type { ValidationItem } from '@bbk/sdk/protocol';

/** Result of {@link parseJsonBody}. */
export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; item: ValidationItem };

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const OBJECT = 0;
const ARRAY = 1;
const NO_ERROR = -1;

/**
 * A cursor over JSON text that reports where V8's JSON parser (Node 16) would stop: each scan
 * method returns {@link NO_ERROR} and moves past what it read, or returns the error position.
 */
class Scanner {
  i = 0;
  readonly n: number;

  constructor(readonly text: string) {
    this.n = text.length;
  }

  at(k: number): number {
    return k < this.n ? this.text.charCodeAt(k) : -1;
  }

  skipSpace(): void {
    while (this.i < this.n && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  /** A string, the cursor after its opening quote. */
  string(): number {
    const { text, n } = this;
    for (;;) {
      if (this.i >= n) return n;
      const c = text.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return NO_ERROR;
      }
      if (c === 0x5c) {
        this.i++;
        if (this.i >= n) return n;
        const e = text[this.i] as string;
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (this.i >= n) return n;
            if (!isHex(text.charCodeAt(this.i))) return this.i;
          }
        } else if (!ESCAPES.has(e)) return this.i;
        this.i++;
        continue;
      }
      if (c < 0x20) return this.i;
      this.i++;
    }
  }

  /** A number, the cursor on `-` or a digit. */
  number(): number {
    let negative = false;
    if (this.at(this.i) === 0x2d) {
      negative = true;
      this.i++;
    }
    if (this.at(this.i) === 0x30) {
      this.i++;
      const c = this.at(this.i);
      const numberPart = isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2d || c === 0x2b;
      if (numberPart && isDigit(c)) return this.i;
      if (!numberPart && !negative) return NO_ERROR;
    } else if (!this.digits()) return Math.min(this.i, this.n);
    if (this.at(this.i) === 0x2e) {
      this.i++;
      if (!this.digits()) return Math.min(this.i, this.n);
    }
    if (this.at(this.i) === 0x65 || this.at(this.i) === 0x45) {
      this.i++;
      if (this.at(this.i) === 0x2b || this.at(this.i) === 0x2d) this.i++;
      if (!this.digits()) return Math.min(this.i, this.n);
    }
    return NO_ERROR;
  }

  /** One or more digits; false when there is none. */
  digits(): boolean {
    if (!isDigit(this.at(this.i))) return false;
    while (isDigit(this.at(this.i))) this.i++;
    return true;
  }

  /** `true`, `false` or `null`, the cursor on its first letter. */
  literal(word: string): number {
    for (let k = 1; k < word.length; k++) {
      if (this.i + k >= this.n) return this.n;
      if (this.text[this.i + k] !== word[k]) return this.i + k;
    }
    this.i += word.length;
    return NO_ERROR;
  }

  /** A property name and its colon. */
  key(): number {
    this.skipSpace();
    if (this.at(this.i) !== 0x22) return Math.min(this.i, this.n);
    this.i++;
    const error = this.string();
    if (error !== NO_ERROR) return error;
    this.skipSpace();
    if (this.at(this.i) !== 0x3a) return Math.min(this.i, this.n);
    this.i++;
    return NO_ERROR;
  }

  /** One value; an opening bracket is pushed on `stack` (its members follow). */
  value(stack: number[]): number {
    this.skipSpace();
    switch (this.at(this.i)) {
      case 0x22:
        this.i++;
        return this.string();
      case 0x7b:
        this.i++;
        this.skipSpace();
        if (this.at(this.i) === 0x7d) {
          this.i++;
          return NO_ERROR;
        }
        stack.push(OBJECT);
        return this.key();
      case 0x5b:
        this.i++;
        this.skipSpace();
        if (this.at(this.i) === 0x5d) this.i++;
        else stack.push(ARRAY);
        return NO_ERROR;
      case 0x74:
        return this.literal('true');
      case 0x66:
        return this.literal('false');
      case 0x6e:
        return this.literal('null');
      default:
        if (this.at(this.i) === 0x2d || isDigit(this.at(this.i))) return this.number();
        return Math.min(this.i, this.n);
    }
  }

  /**
   * After a value: closes containers until one wants another member. Returns NO_ERROR when the
   * next value should be read, `DONE` at the end of the top-level value, or the error position.
   */
  close(stack: number[]): number {
    for (;;) {
      this.skipSpace();
      const top = stack[stack.length - 1];
      if (top === undefined) return this.i < this.n ? this.i : DONE;
      if (this.at(this.i) === 0x2c) {
        this.i++;
        return top === OBJECT ? this.key() : NO_ERROR;
      }
      if (this.at(this.i) !== (top === OBJECT ? 0x7d : 0x5d)) return Math.min(this.i, this.n);
      this.i++;
      stack.pop();
    }
  }
}

/** {@link Scanner.close}: the top-level value ended where the text ends. */
const DONE = -2;

/**
 * Position of the first syntax error as V8's JSON parser (Node 16) finds it, `text.length` for
 * "end of input", or -1 when the text is valid. Iterative, so deep nesting cannot overflow the stack.
 */
export function syntaxErrorPosition(text: string): number {
  const scanner = new Scanner(text);
  const stack: number[] = [];
  for (;;) {
    const depth = stack.length;
    const error = scanner.value(stack);
    if (error !== NO_ERROR) return error;
    // a container just opened: its first member is the next value
    if (stack.length > depth) continue;
    const closed = scanner.close(stack);
    if (closed === DONE) return NO_ERROR;
    if (closed !== NO_ERROR) return closed;
  }
}

/** V8 9's wording of a JSON syntax error at `position`. */
export function syntaxErrorMessage(text: string, position: number): string {
  if (position >= text.length || position < 0) return 'Unexpected end of JSON input';
  // The spec (§1.8) asks for the token form everywhere: clients match on "unexpected token", and
  // V8 9's "Unexpected number/string" variants would not match, so they are not emitted.
  const c = text[position] as string;
  return `Unexpected token ${c} in JSON at position ${position}`;
}

/**
 * Deepest nesting a coordinator body may have (users, entity types, connectors, policies): far
 * beyond any real one, and shallow enough that every later step (normalisation, schema checks,
 * the query compiler) may walk a body recursively without risking the stack. Contributor bodies
 * are not bounded here: the store takes records up to its own limit and the contributor service
 * names the record that is nested too deeply (docs/CONTRIBUTOR.md).
 */
export const MAX_BODY_DEPTH = 1000;

/**
 * Position of the bracket that opens level `max + 1`, or -1 when `text` nests no deeper than
 * `max`. Strings are skipped (brackets inside them do not count); syntax is not checked.
 */
export function nestingErrorPosition(text: string, max: number): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // to the closing quote: one not preceded by an odd number of backslashes
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return -1;
        let slashes = 0;
        while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

const syntax = (reason: string): JsonBodyResult => ({ ok: false, item: { name: 'syntax', index: null, reason } });

/**
 * Parses a request body strictly. An empty text is `{}` (spec §1.5); a leading BOM is ignored;
 * a body nested deeper than `maxDepth` levels is refused under `syntax` too.
 * Never throws; the valid path is one `JSON.parse`, and one scan for the depth when bounded.
 * @example parseJsonBody('{"a":}') // { ok: false, item: { name: 'syntax', index: null, reason: 'Unexpected token } in JSON at position 5' } }
 * @example parseJsonBody('null')   // { ok: false, item: { name: 'syntax', index: null, reason: 'Unexpected token n in JSON at position 0' } }
 */
export function parseJsonBody(text: string, maxDepth = Number.POSITIVE_INFINITY): JsonBodyResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return { ok: true, value: {} };
  // strict mode looks at the first non-space character before parsing anything
  let first = 0;
  while (first < body.length && isSpace(body.charCodeAt(first))) first++;
  if (first === body.length) return syntax('Unexpected end of JSON input');
  const c = body[first];
  if (c !== '{' && c !== '[') return syntax(`Unexpected token ${c} in JSON at position ${first}`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return syntax(syntaxErrorMessage(body, syntaxErrorPosition(body)));
  }
  const tooDeep = Number.isFinite(maxDepth) ? nestingErrorPosition(body, maxDepth) : -1;
  if (tooDeep >= 0) return syntax(`Nesting deeper than ${maxDepth} levels at position ${tooDeep}`);
  return { ok: true, value };
}
