import { ERROR_STATUS, type ErrorBody, type ErrorCode, REASON_PHRASES, type ValidationItem } from '@bbk/sdk/protocol';

/**
 * An error that carries its own HTTP status. Services throw it; the one error
 * handler in http/ turns it into the standard body.
 * @example throw new ApiError('NOT_FOUND')
 * @example throw ApiError.validation([{ name: 'name', index: null, reason: 'does not meet minimum length of 1' }])
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly items: ValidationItem[] | undefined;
  /** The body's `message` for a non-400 error that explains itself (e.g. an expired token); else `""`. */
  readonly text: string | undefined;

  constructor(code: ErrorCode, message = '', items?: ValidationItem[], text?: string) {
    super(message || code);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.items = items;
    this.text = text;
  }

  /**
   * An error whose standard body carries `text` as its `message` (bbk extension, docs/DECISIONS.md).
   * @example throw ApiError.text('UNAUTHORIZED', TOKEN_EXPIRED)
   */
  static text(code: ErrorCode, text: string): ApiError {
    return new ApiError(code, text, undefined, text);
  }

  static validation(items: ValidationItem[]): ApiError {
    return new ApiError('BAD_REQUEST', '', items);
  }

  static one(name: string, reason: string, index: number | null = null): ApiError {
    return ApiError.validation([{ name, index, reason }]);
  }
}

/** The `message` of the 401 answering an expired token; the only 401 that says why. */
export const TOKEN_EXPIRED = 'token expired';

/** Builds every error body the server sends (spec §1.7). */
export function errorBody(status: number, message: string | ValidationItem[] = ''): ErrorBody {
  return { error: { code: status, status: REASON_PHRASES[status] ?? 'Error', message } };
}
