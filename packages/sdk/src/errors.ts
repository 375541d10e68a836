import { ERROR_STATUS, type ErrorCode, REASON_PHRASES, type ValidationItem } from './protocol/errors.js';

/** The error code for a status outside the catalogue (e.g. a proxy's 502). */
export type ApiErrorCode = ErrorCode | 'UNKNOWN';

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).map(([code, status]) => [status, code]),
);

/**
 * Maps an HTTP status to its catalogue code.
 * @example codeForStatus(404) // 'NOT_FOUND'
 */
export function codeForStatus(status: number): ApiErrorCode {
  return CODE_BY_STATUS.get(status) ?? 'UNKNOWN';
}

/** What the client knows about a failed response. */
export interface ApiErrorInit {
  status: number;
  /** Parsed body: the standard error body when the server sent one, else text or undefined. */
  body: unknown;
  headers?: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
}

/**
 * A non-2xx answer, mirroring the server's standard error body (spec §1.7, §1.8).
 * `message` is human-readable; the server's own text is in `serverMessage`, validation items in `items`.
 * @example
 * try { await coordinator.users.get(42) } catch (e) { if (e instanceof BbkApiError && e.isNotFound()) … }
 */
export class BbkApiError extends Error {
  override readonly name = 'BbkApiError';
  /** HTTP status. */
  readonly status: number;
  /** Catalogue code derived from the status. */
  readonly code: ApiErrorCode;
  /** Reason phrase (`error.status` of the body, else the standard phrase). */
  readonly reason: string;
  /** `error.message` when it is a string (`""` for most codes), else `""`. */
  readonly serverMessage: string;
  /** Validation items of a 400 (empty otherwise). */
  readonly items: ValidationItem[];
  /** The raw parsed body. */
  readonly body: unknown;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(init: ApiErrorInit) {
    const parsed = parseErrorBody(init.body);
    const reason = parsed?.reason || REASON_PHRASES[init.status] || 'Error';
    const serverMessage = parsed?.message ?? (typeof init.body === 'string' ? init.body.slice(0, 500) : '');
    const items = parsed?.items ?? [];
    super(describe(init, reason, serverMessage, items));
    this.status = init.status;
    this.code = codeForStatus(init.status);
    this.reason = reason;
    this.serverMessage = serverMessage;
    this.items = items;
    this.body = init.body;
    this.headers = init.headers ?? {};
    this.method = init.method;
    this.url = init.url;
  }

  /**
   * Whether a value is a BbkApiError, optionally with a given code.
   * @example if (BbkApiError.is(err, 'CONFLICT')) return;
   */
  static is(value: unknown, code?: ApiErrorCode): value is BbkApiError {
    return value instanceof BbkApiError && (code === undefined || value.code === code);
  }

  /** 404: not found, out of policy, or unmatched route. */
  isNotFound(): boolean {
    return this.status === 404;
  }

  /** 429: rate or quota exceeded. See `retryAfterSeconds`. */
  isRateLimited(): boolean {
    return this.status === 429;
  }

  /** 400 with validation items (or a JSON syntax item). */
  isValidation(): boolean {
    return this.status === 400;
  }

  /** 409: duplicate create, promote/demote conflict. */
  isConflict(): boolean {
    return this.status === 409;
  }

  /** 401 or 403: missing, invalid, revoked or wrong-scope token, wrong session, unknown policy. */
  isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** The `Retry-After` header in seconds, when the server sent one. */
  get retryAfterSeconds(): number | undefined {
    const raw = this.headers['retry-after'];
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    if (Number.isFinite(value)) return value;
    // an HTTP date (RFC 9110 §10.2.3, as a proxy may send): the seconds from now, never negative
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
}

/** Why a request got no HTTP answer. */
export type NetworkErrorKind = 'network' | 'timeout' | 'aborted' | 'invalid-response';

/**
 * The request failed before an HTTP status was known (connection refused, timeout, abort),
 * or a 2xx response could not be parsed. The underlying error is in `cause`.
 * @example catch (e) { if (e instanceof BbkNetworkError && e.kind === 'timeout') retry(); }
 */
export class BbkNetworkError extends Error {
  override readonly name = 'BbkNetworkError';
  readonly kind: NetworkErrorKind;
  readonly method: string;
  readonly url: string;

  constructor(kind: NetworkErrorKind, init: { method: string; url: string; cause?: unknown; detail?: string }) {
    const detail = init.detail ?? (init.cause instanceof Error ? init.cause.message : undefined);
    super(`${kind} error on ${init.method} ${init.url}${detail ? `: ${detail}` : ''}`, { cause: init.cause });
    this.kind = kind;
    this.method = init.method;
    this.url = init.url;
  }
}

interface ParsedErrorBody {
  reason: string;
  message: string;
  items: ValidationItem[];
}

/** Reads `{ error: { code, status, message } }`; anything else gives undefined. */
function parseErrorBody(body: unknown): ParsedErrorBody | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const { status, message } = body.error;
  const reason = typeof status === 'string' ? status : '';
  if (Array.isArray(message)) return { reason, message: '', items: message.filter(isValidationItem) };
  return { reason, message: typeof message === 'string' ? message : '', items: [] };
}

function isValidationItem(value: unknown): value is ValidationItem {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.reason === 'string' &&
    (value.index === null || typeof value.index === 'number')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(init: ApiErrorInit, reason: string, serverMessage: string, items: ValidationItem[]): string {
  const where = init.method && init.url ? ` (${init.method} ${init.url})` : '';
  const detail = items.length
    ? items.map((item) => `${item.name}${item.index === null ? '' : `[${item.index}]`} ${item.reason}`).join('; ')
    : serverMessage;
  return `${init.status} ${reason}${detail ? `: ${detail}` : ''}${where}`;
}
