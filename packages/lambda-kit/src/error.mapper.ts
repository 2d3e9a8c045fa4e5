import { DomainError, type ErrorCode, type ErrorDetail } from '@shop/domain';

/** The JSON error body of the public contract (`api.md`). */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode | 'INTERNAL';
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
  };
}

export interface MappedError {
  readonly statusCode: number;
  readonly body: ErrorBody;
  readonly headers?: Record<string, string>;
}

// The single code -> status table. `satisfies` makes a new ErrorCode fail to compile until mapped here.
const STATUS_BY_CODE = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INSUFFICIENT_STOCK: 409,
  INVALID_STATE: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;

// Clients should back off at least a little when the service says it is unavailable.
const DEFAULT_RETRY_AFTER_SECONDS = 1;

const INTERNAL: MappedError = Object.freeze({
  statusCode: 500,
  body: Object.freeze({ error: Object.freeze({ code: 'INTERNAL', message: 'Internal error' }) }),
});

/**
 * Maps anything thrown to the status, body and headers the client sees. Domain errors keep their
 * code, message and details; everything else becomes a generic 500 that reveals nothing (no stack,
 * SQL or original message). Logging is the caller's job, so the same error is never logged twice.
 */
export const mapError = (error: unknown): MappedError => {
  if (!(error instanceof DomainError) || !Object.hasOwn(STATUS_BY_CODE, error.code)) {
    return INTERNAL;
  }
  const retryAfter = retryAfterSeconds(error);
  return {
    statusCode: STATUS_BY_CODE[error.code],
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    },
    ...(retryAfter === undefined ? {} : { headers: { 'Retry-After': String(retryAfter) } }),
  };
};

const retryAfterSeconds = (error: DomainError): number | undefined => {
  const carried: unknown = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (typeof carried === 'number' && Number.isFinite(carried) && carried >= 0) {
    return Math.ceil(carried);
  }
  return error.code === 'SERVICE_UNAVAILABLE' ? DEFAULT_RETRY_AFTER_SECONDS : undefined;
};
