import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerOptions, startServer } from '@bbk/server';

/** A real server on free loopback ports with a fresh data directory. */
export async function testServer(options: ServerOptions = {}): Promise<RunningServer & { destroy(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bbk-console-test-'));
  const server = await startServer(
    {
      mode: 'production',
      dataDir,
      host: '127.0.0.1',
      coordinatorPort: 0,
      contributorPort: 0,
      consumerPort: 0,
      ...options,
    },
    {},
  );
  return {
    ...server,
    async destroy() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
