import type { Dispatcher } from 'undici';
import { createHttpClient, undici } from './client.js';
import { ConsumerClient, type ConsumerOptions } from './consumer.js';
import { ContributorClient } from './contributor.js';
import { CoordinatorClient } from './coordinator/index.js';

/** Tokens per API; a single string is sent to all three. */
export type BbkTokens = string | { coordinator?: string; contributor?: string; consumer?: string };

/** Options of `createBbk`. URLs default to a local development server. */
export interface BbkOptions extends ConsumerOptions {
  /** Default `http://localhost:8001/v1`. */
  coordinatorUrl?: string;
  /** Default `http://localhost:8002/v1`. */
  contributorUrl?: string;
  /** Default `http://localhost:8003/v1`. */
  consumerUrl?: string;
  token?: BbkTokens;
  headers?: Record<string, string>;
  /** Shared by the three clients; default one keep-alive Agent owned by the bundle. */
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** The three clients sharing one connection pool. */
export interface Bbk {
  coordinator: CoordinatorClient;
  contributor: ContributorClient;
  consumer: ConsumerClient;
  /** Closes the shared Agent (not an injected dispatcher). */
  close(): Promise<void>;
}

/**
 * Creates the three clients at once.
 * @example
 * const bbk = createBbk({ token: { coordinator: adminToken }, audience: 'over-a-billion' });
 * await bbk.coordinator.users.list();
 * await bbk.close();
 */
export function createBbk(options: BbkOptions = {}): Bbk {
  const own = options.dispatcher ? undefined : new (undici().Agent)({ keepAliveTimeout: 10_000 });
  const dispatcher = options.dispatcher ?? own;
  const tokens = typeof options.token === 'string' ? undefined : options.token;
  const tokenFor = (api: 'coordinator' | 'contributor' | 'consumer'): string | undefined =>
    typeof options.token === 'string' ? options.token : tokens?.[api];
  const http = (baseUrl: string, api: 'coordinator' | 'contributor' | 'consumer') =>
    createHttpClient({
      baseUrl,
      token: tokenFor(api),
      headers: options.headers,
      dispatcher,
      timeoutMs: options.timeoutMs,
    });
  return {
    coordinator: new CoordinatorClient({
      http: http(options.coordinatorUrl ?? 'http://localhost:8001/v1', 'coordinator'),
    }),
    contributor: new ContributorClient({
      http: http(options.contributorUrl ?? 'http://localhost:8002/v1', 'contributor'),
    }),
    consumer: new ConsumerClient({
      http: http(options.consumerUrl ?? 'http://localhost:8003/v1', 'consumer'),
      audience: options.audience,
      connectors: options.connectors,
    }),
    close: async () => {
      await own?.close();
    },
  };
}
