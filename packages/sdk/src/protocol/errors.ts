/**
 * The closed catalogue of API error codes and their HTTP statuses (spec §1.6, §1.7).
 * A code without a status fails to compile; server and SDK both import this table.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A request body in a `Content-Encoding` other than gzip, deflate or identity. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  /** The database stayed busy (another process held its write lock) for longer than the server waits, or is unreachable. */
  UNAVAILABLE: 503,
  /** The database's disk is full: nothing was written (docs/OPERATIONS.md). */
  INSUFFICIENT_STORAGE: 507,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Reason phrases used in the standard error body's `status` field. */
export const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  408: 'Request Timeout',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** One item of a 400 validation error (spec §1.8). */
export interface ValidationItem {
  name: string;
  index: number | null;
  reason: string;
}

/** The standard error body (spec §1.7). `message` is an array only for 400. */
export interface ErrorBody {
  error: {
    code: number;
    status: string;
    message: string | ValidationItem[];
  };
}

/** One item of a 400 answer ({@link ValidationItem}, spec §1.8). */
export const validationItemSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    index: { type: ['integer', 'null'], minimum: 0 },
    reason: { type: 'string' },
  },
  required: ['name', 'index', 'reason'],
  additionalProperties: false,
} as const;

/** Statuses whose standard body always has an empty `message` (spec §1.7). */
const EMPTY_MESSAGE = new Set([401, 403, 404, 405, 408, 409, 413, 414, 429, 431]);

/**
 * JSON Schema (2020-12) of the standard error body ({@link ErrorBody}, spec §1.7): with a status, the
 * body of that status (its `code`, its reason phrase, and the `message` it carries: validation items
 * for 400, `""` for 401/403/404/409/429 and the like, text for 500/503); without, any error body.
 * @example errorBodySchema(404) // { error: { code: 404, status: 'Not Found', message: '' } }
 */
export function errorBodySchema(status?: number) {
  const items = { type: 'array', minItems: 1, items: validationItemSchema } as const;
  const message =
    status === undefined
      ? { oneOf: [{ type: 'string' }, items] }
      : status === 400
        ? items
        : EMPTY_MESSAGE.has(status)
          ? { const: '' }
          : { type: 'string' };
  const phrase = status === undefined ? undefined : REASON_PHRASES[status];
  return {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: status === undefined ? { type: 'integer', minimum: 400, maximum: 599 } : { const: status },
          status: phrase === undefined ? { type: 'string' } : { const: phrase },
          message,
        },
        required: ['code', 'status', 'message'],
        additionalProperties: false,
      },
    },
    required: ['error'],
    additionalProperties: false,
  } as const;
}
