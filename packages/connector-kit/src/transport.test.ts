import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContributorClient } from '@bbk/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { CommitUnknownError, KitTransport } from './transport.js';

type Script = (req: IncomingMessage, body: string, res: ServerResponse) => 'drop' | { status: number; body?: unknown };

/** A real HTTP server standing in for the Contributor API, answering from a script (to inject 5xx and dropped connections). */
let server: Server | undefined;
const seen: { method: string; url: string; body: string }[] = [];

async function contributorStub(script: Script): Promise<KitTransport> {
  seen.length = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const answer = script(req, body, res);
      if (answer === 'drop') return void req.socket.destroy();
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, text ? { 'content-type': 'application/json' } : {}).end(text);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new ContributorClient({ baseUrl: `http://127.0.0.1:${port}/v1` });
  return new KitTransport(client, { minDelayMs: 1, maxDelayMs: 5 });
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const cid = 'a'.repeat(40);
const sid = '4527eff4-d9cf-41c0-9ecc-8e06b57fcf54';
const error = (code: number) => ({ status: code, body: { error: { code, status: 'x', message: '' } } });

describe('KitTransport', () => {
  it('retries 5xx and dropped connections, then succeeds', async () => {
    let n = 0;
    const transport = await contributorStub(() => {
      n++;
      if (n === 1) return error(503);
      if (n === 2) return 'drop';
      return { status: 200, body: sid };
    });
    expect(await transport.openSession(cid, 'stream')).toBe(sid);
    expect(seen.map((s) => s.url)).toEqual(Array(3).fill(`/v1/connector/${cid}/session/open/stream`));
  });

  it('never retries a 4xx', async () => {
    const transport = await contributorStub(() => error(400));
    await expect(transport.upsert(cid, sid, [{ id: 'a', name: 'A', entity: {} }])).rejects.toMatchObject({
      status: 400,
    });
    expect(seen).toHaveLength(1);
  });

  it('strips private keys before records leave the process', async () => {
    const transport = await contributorStub(() => ({ status: 200, body: { GB: 'p' } }));
    const record = { id: 'GB', name: 'United Kingdom', entity: { a: 1, _b: 2 }, _wikidata: 'Q145' };
    await transport.upsert(cid, sid, [record]);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual([{ id: 'GB', name: 'United Kingdom', entity: { a: 1 } }]);
    expect(record._wikidata).toBe('Q145');
  });

  it('treats a rollback whose first answer was lost and whose retry finds the session closed as done', async () => {
    let n = 0;
    const transport = await contributorStub(() => (++n === 1 ? 'drop' : error(401)));
    await expect(transport.closeSession(cid, sid, false)).resolves.toBeUndefined();
    expect(seen).toHaveLength(2);
  });

  it('reports a commit in the same situation as of unknown outcome', async () => {
    let n = 0;
    const transport = await contributorStub(() => (++n === 1 ? 'drop' : error(401)));
    await expect(transport.closeSession(cid, sid, true)).rejects.toBeInstanceOf(CommitUnknownError);
  });

  it('passes a plain 401 on close through (wrong or superseded session)', async () => {
    const transport = await contributorStub(() => error(401));
    await expect(transport.closeSession(cid, sid, true)).rejects.toMatchObject({ status: 401 });
    expect(seen).toHaveLength(1);
  });
});
