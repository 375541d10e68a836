import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer.js';
import { type RequestLevel, type RequestLine, RequestLog } from './request-log.js';

// The request line is encoded straight into the LogBuffer's chunk; to any other destination it is written as
// text. Both must give the same line, byte for byte, and valid JSON with the values given.

const dir = mkdtempSync(join(tmpdir(), 'bbk-request-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRINGS = [
  'plain',
  '',
  'with "quotes" and \\ backslash',
  'a back\\slash only',
  'tab\tnew\nline\r\u0000\u001f\u007f',
  'Zürich café',
  '東京 ✓',
  'astral 𝄞 😀',
  'lone \ud800 surrogate \udc00',
  '/v1/entity/country/0123456789abcdef0123456789abcdef01234567',
  `long ${'x'.repeat(1100)}`,
];
const DURATIONS = [0, 0.01, 0.1, 0.5, 1, 1.05, 12.34, 99.99, 100, 123456.78, 1e13, 1.234, 0.004, Number.NaN];

function lines(): [RequestLevel, RequestLine][] {
  const out: [RequestLevel, RequestLine][] = [];
  let i = 0;
  for (const s of STRINGS) {
    for (const durationMs of DURATIONS) {
      i++;
      out.push([
        (['info', 'warn', 'debug'] as const)[i % 3]!,
        {
          reqId: i % 4 === 0 ? s : `req-${i}`,
          method: i % 5 === 0 ? s : 'GET',
          route: i % 6 === 0 ? undefined : i % 7 === 0 ? s : '/v1/entity/:type/:id',
          url: s,
          status: [200, 404, 429, 500, 304][i % 5]!,
          durationMs:
            Number.isFinite(durationMs) && durationMs < 1e12 ? Math.round(durationMs * 100) / 100 : durationMs,
          ...(i % 3 === 0 ? {} : { callerKind: i % 2 ? 'consumer' : s, callerId: i % 8 === 0 ? undefined : i * 1000 }),
          policy: i % 5 === 1 ? null : i % 5 === 2 ? s : 'bench',
          limitedBy: i % 4 === 1 ? 'rate' : i % 4 === 2 ? s : null,
        },
      ]);
    }
  }
  return out;
}

const timeless = (text: string) => text.replace(/"time":\d+/g, '"time":0');

describe('RequestLog', () => {
  it('encodes into a LogBuffer the same bytes as the text it writes elsewhere, chunk boundaries and long lines included', async () => {
    const file = join(dir, 'bytes.log');
    const buffer = new LogBuffer(file, { chunk: 2048, flushMs: 60_000 });
    const texts: string[] = [];
    const asText = { write: (t: string) => texts.push(t) };
    const logger = pino({ level: 'debug' }, buffer as unknown as pino.DestinationStream);
    const bytes = new RequestLog(logger, buffer);
    const text = new RequestLog(logger, asText);
    for (const [level, line] of lines()) {
      bytes.write(level, line);
      text.write(level, line);
    }
    await buffer.close(true);
    const written = readFileSync(file, 'utf8');
    expect(timeless(written)).toBe(timeless(texts.join('')));
  });

  it('writes valid JSON with the values given, and nothing under the logger’s level', async () => {
    const file = join(dir, 'values.log');
    const buffer = new LogBuffer(file, { flushMs: 60_000 });
    const log = new RequestLog(pino({ level: 'info' }, buffer as unknown as pino.DestinationStream), buffer);
    const given = lines().filter(([, l]) => Number.isFinite(l.durationMs));
    for (const [level, line] of given) log.write(level, line);
    await buffer.close(true);
    const kept = given.filter(([level]) => level !== 'debug');
    const parsed = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toHaveLength(kept.length);
    for (const [k, [level, line]] of kept.entries()) {
      const p = parsed[k]!;
      expect(p.level).toBe(level === 'warn' ? 40 : 30);
      expect(p.msg).toBe('request');
      expect(typeof p.time).toBe('number');
      expect(p.pid).toBe(process.pid);
      expect([p.reqId, p.method, p.route, p.url, p.status, p.durationMs]).toEqual([
        line.reqId,
        line.method,
        line.route ?? null,
        line.url,
        line.status,
        line.durationMs,
      ]);
      expect(p.callerKind).toBe(line.callerKind);
      if (line.callerKind !== undefined) expect(p.callerId).toBe(line.callerId ?? null);
      expect(p.policy).toBe(line.policy || undefined);
      expect(p.limitedBy).toBe(line.limitedBy || undefined);
    }
  });
});
