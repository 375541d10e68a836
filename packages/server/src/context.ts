import type { ActivityMonitor } from './activity/index.js';
import type { RememberedAdmissions } from './auth/remembered.js';
import type { TokenCheck } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import type { Limits } from './limits/index.js';
import type { Observers } from './observability/index.js';
import type { Store } from './storage/store.js';
import type { TokenKind } from './storage/types.js';
import type { SchemaCompiler } from './validation/schema-compiler.js';
import type { WebhookClient } from './webhooks/index.js';

/** Everything a request handler may use; built once by `startServer`. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly store: Store;
  /** Instance secret (APP_SECRET): keys contribution ids (spec §2.5). */
  readonly secret: string;
  readonly auth: {
    /**
     * Checks a presented token for a surface of this `kind` (another kind → 401) at the server clock's
     * now; an accepted one is noted as used (written in batches, see auth/token-usage.ts).
     */
    verify(token: string | undefined, kind: TokenKind): Promise<TokenCheck>;
    /**
     * `verify` against the token row this process remembers (auth/remembered.ts), undefined when there is
     * none or it refuses the token (the database then decides). The call must be confirmed by a witnessed
     * read; `confirmed` then notes the token as used.
     */
    remembered(token: string | undefined, kind: TokenKind): Extract<TokenCheck, { ok: true }> | undefined;
    confirmed(keyId: string): void;
    /** Writes the tokens' remembered last uses, so that a read of them is current. */
    flushUses(): Promise<void>;
  };
  /** Remembered admissions of entity details, on a store several processes share only (auth/remembered.ts). */
  readonly admissions: RememberedAdmissions | undefined;
  /** Consumer rate and quota counters (spec §4.7, §9); flushed on close. */
  readonly limits: Limits;
  /** Connector webhook calls: signing, timeout, cache, health (spec §5, §9). */
  readonly webhooks: WebhookClient;
  /** Entity type schemas, checked and compiled off the event loop. */
  readonly schemas: SchemaCompiler;
  /** Per-access usage, violation detectors and guards (docs/USAGE.md); flushed on close. */
  readonly activity: ActivityMonitor;
  /** Request log and metrics (docs/OPERATIONS.md); each may be off. */
  readonly observers: Observers;
}
