/**
 * Domain errors. Every error a caller can cause carries a `code` from the public contract
 * (`api.md`); the HTTP edge maps codes to statuses in one place (`@shop/lambda-kit`).
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INSUFFICIENT_STOCK'
  | 'INVALID_STATE'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE';

/** One item of `error.details`: where the problem is and what it is. */
export interface ErrorDetail {
  readonly path?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: readonly ErrorDetail[]; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: readonly ErrorDetail[]) {
    super('VALIDATION_FAILED', message, details ? { details } : undefined);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: readonly ErrorDetail[]) {
    super('CONFLICT', message, details ? { details } : undefined);
  }
}

export class InsufficientStockError extends DomainError {
  constructor(details: readonly { productId: string; requested: number; available: number }[]) {
    super('INSUFFICIENT_STOCK', 'Not enough stock', { details });
  }
}

export class InvalidStateError extends DomainError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(message: string) {
    super('PRECONDITION_FAILED', message);
  }
}

/** A caller went past one of the shop's limits (429 with Retry-After); nothing was changed. */
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds = 1, cause?: unknown) {
    super('SERVICE_UNAVAILABLE', message, { cause });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
