import { ConsumerClient, CoordinatorClient } from '@bbk/sdk/browser';
import type { Session } from './session.js';
import type { Site } from './site.js';

// The SDK's own clients with its fetch transport: the console has no HTTP code of its own.
const transport = { fetch: globalThis.fetch.bind(globalThis), timeoutMs: 30_000 };

/** The Coordinator API as the signed-in coordinator. */
export function coordinatorClient(site: Site, s: Session): CoordinatorClient {
  return new CoordinatorClient({ baseUrl: site.coordinator, ...transport, ...(s.token ? { token: s.token } : {}) });
}

/** The Consumer API as the signed-in consumer (token, or policy slug in development mode). */
export function consumerClient(site: Site, s: Session): ConsumerClient {
  return new ConsumerClient({
    baseUrl: site.consumer,
    ...transport,
    ...(s.token ? { token: s.token } : {}),
    ...(s.policy ? { audience: s.policy } : {}),
  });
}
