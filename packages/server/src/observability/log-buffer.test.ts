import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer.js';

const dir = mkdtempSync(join(tmpdir(), 'bbk-logbuf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buffer(file: string, chunk: number) {
  return new LogBuffer(file, {
    chunk,
    flushMs: 60_000,
  });
}

describe('LogBuffer', () => {
  it('writes every line whole and in order, in UTF-8, across chunks, with lines longer than a chunk', async () => {
    const file = join(dir, 'lines.log');
    const out = buffer(file, 64);
    const lines = [
      '{"a":1}\n',
      '{"name":"Zürich ✓ 𝄞"}\n',
      `{"long":"${'x'.repeat(500)}"}\n`,
      '{"b":2}\n',
      ...Array.from({ length: 50 }, (_, i) => `{"i":${i},"s":"é${'y'.repeat(i)}"}\n`),
    ];
    for (const line of lines) out.write(line);
    await out.close(true);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('fills written chunks again without losing or mixing a line, while other chunks are still being written', async () => {
    const file = join(dir, 'reuse.log');
    const out = buffer(file, 256);
    const lines: string[] = [];
    for (let burst = 0; burst < 40; burst++) {
      for (let i = 0; i < 50; i++) {
        const line = `{"burst":${burst},"i":${i},"pad":"${'é'.repeat((burst * 7 + i) % 40)}"}\n`;
        lines.push(line);
        out.write(line);
      }
      // let some writes finish, so that their chunks are filled again while others are in flight
      await new Promise((resolve) => setImmediate(resolve));
    }
    await out.close(true);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('writes what waits on flush, and nothing twice', async () => {
    const file = join(dir, 'flush.log');
    const out = buffer(file, 64 * 1024);
    out.write('{"one":1}\n');
    await out.flush();
    expect(readFileSync(file, 'utf8')).toBe('{"one":1}\n');
    out.write('{"two":2}\n');
    await out.close(true);
    expect(readFileSync(file, 'utf8')).toBe('{"one":1}\n{"two":2}\n');
  });
});
