import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, nestingErrorPosition, parseJsonBody, syntaxErrorPosition } from './json-body.js';

const reason = (text: string): string | undefined => {
  const result = parseJsonBody(text);
  return result.ok ? undefined : result.item.reason;
};

describe('parseJsonBody (§1.5, §1.8 JSON syntax)', () => {
  it('parses objects and arrays', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}]}')).toEqual({ ok: true, value: { a: [1, { b: null }] } });
    expect(parseJsonBody(' [] ')).toEqual({ ok: true, value: [] });
    expect(parseJsonBody('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('an empty body is {}', () => {
    expect(parseJsonBody('')).toEqual({ ok: true, value: {} });
  });

  it('errors are named syntax with index null', () => {
    expect(parseJsonBody('{"a":}')).toEqual({
      ok: false,
      item: { name: 'syntax', index: null, reason: 'Unexpected token } in JSON at position 5' },
    });
  });

  it('a non-object top level gives Unexpected token <first char> at its position', () => {
    expect(reason('null')).toBe('Unexpected token n in JSON at position 0');
    expect(reason('5')).toBe('Unexpected token 5 in JSON at position 0');
    expect(reason('"x"')).toBe('Unexpected token " in JSON at position 0');
    expect(reason('true')).toBe('Unexpected token t in JSON at position 0');
    expect(reason('  5')).toBe('Unexpected token 5 in JSON at position 2');
    expect(reason('   ')).toBe('Unexpected end of JSON input');
  });

  it('Node 16 wording: unexpected token / end of input', () => {
    expect(reason('{')).toBe('Unexpected end of JSON input');
    expect(reason('{"a":"b')).toBe('Unexpected end of JSON input');
    expect(reason('[1,')).toBe('Unexpected end of JSON input');
    expect(reason('{"a":tru')).toBe('Unexpected end of JSON input');
    expect(reason('{a:1}')).toBe('Unexpected token a in JSON at position 1');
    expect(reason("{'a':1}")).toBe("Unexpected token ' in JSON at position 1");
    expect(reason('{"a":1,}')).toBe('Unexpected token } in JSON at position 7');
    expect(reason('[1,]')).toBe('Unexpected token ] in JSON at position 3');
    expect(reason('[,1]')).toBe('Unexpected token , in JSON at position 1');
    expect(reason('{"a":tru}')).toBe('Unexpected token } in JSON at position 8');
    expect(reason('{"a":1.}')).toBe('Unexpected token } in JSON at position 7');
    expect(reason('{"a":-}')).toBe('Unexpected token } in JSON at position 6');
    expect(reason('{"a":"\\x"}')).toBe('Unexpected token x in JSON at position 7');
    expect(reason('{"a":"\\u12G4"}')).toBe('Unexpected token G in JSON at position 10');
    expect(reason('{} x')).toBe('Unexpected token x in JSON at position 3');
    expect(reason('[]]')).toBe('Unexpected token ] in JSON at position 2');
    expect(reason('{"a":"x\ny"}')).toBe('Unexpected token \n in JSON at position 7');
  });

  it('Node 16 wording: a number or string where none may stand', () => {
    expect(reason('{"a" 1}')).toBe('Unexpected token 1 in JSON at position 5');
    expect(reason('[1 2]')).toBe('Unexpected token 2 in JSON at position 3');
    expect(reason('{"a":01}')).toBe('Unexpected token 1 in JSON at position 6');
    expect(reason('{"a":1 "b":2}')).toBe('Unexpected token " in JSON at position 7');
    expect(reason('{"a":1}"x"')).toBe('Unexpected token " in JSON at position 7');
  });

  it('never throws, even on deep nesting', () => {
    expect(reason('['.repeat(200_000))).toBe('Unexpected end of JSON input');
    expect(reason(`${'['.repeat(200_000)}x`)).toBe('Unexpected token x in JSON at position 200000');
  });

  it('agrees with the host JSON.parse on validity and error position', () => {
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      ' ',
      '\n',
      'a',
      '1',
      '0',
      '-',
      '.',
      'e',
      'E',
      '+',
      't',
      'r',
      'u',
      'n',
      'l',
      '\\',
      'f',
      'A',
      '\t',
      '\u0001',
      '/',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 16 }), (chars) => {
        const text = `{${chars.join('')}`;
        let host: string | undefined;
        try {
          JSON.parse(text);
        } catch (e) {
          host = (e as Error).message;
        }
        const position = syntaxErrorPosition(text);
        expect(position === -1).toBe(host === undefined);
        const m = host === undefined ? null : /at position (\d+)/.exec(host);
        if (m) expect(position).toBe(Number(m[1]));
      }),
      { numRuns: 5000 },
    );
  });

  it('valid JSON is valid for the scanner too', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(syntaxErrorPosition(JSON.stringify(value))).toBe(-1);
        expect(syntaxErrorPosition(JSON.stringify(value, null, 2))).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('nesting depth of coordinator bodies (a bound every later step can rely on)', () => {
  const nested = (depth: number, open = '[', close = ']', inner = '1') =>
    `{"a":${open.repeat(depth - 1)}${inner}${close.repeat(depth - 1)}}`;

  it('accepts bodies nested up to MAX_BODY_DEPTH levels', () => {
    expect(parseJsonBody(nested(MAX_BODY_DEPTH), MAX_BODY_DEPTH).ok).toBe(true);
    expect(parseJsonBody(nested(10_000)).ok).toBe(true);
  });

  it('refuses deeper bodies under syntax, naming where the limit was crossed', () => {
    const text = nested(10_000);
    expect(parseJsonBody(text, MAX_BODY_DEPTH)).toEqual({
      ok: false,
      item: { name: 'syntax', index: null, reason: `Nesting deeper than 1000 levels at position ${5 + 999}` },
    });
    const objects = `{"a":${'{"b":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    expect(parseJsonBody(objects, MAX_BODY_DEPTH)).toMatchObject({ ok: false, item: { name: 'syntax' } });
  });

  it('brackets inside strings do not count, escaped quotes included', () => {
    const s = JSON.stringify(`\\"${'['.repeat(5000)}`);
    expect(parseJsonBody(`{"a":${s}}`, 2).ok).toBe(true);
    expect(nestingErrorPosition(`["\\\\", [[1]]]`, 2)).toBe(8);
    expect(nestingErrorPosition(`["\\"[[", [1]]`, 2)).toBe(-1);
  });
});
