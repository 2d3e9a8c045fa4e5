import {
  ConflictError,
  DomainError,
  type ErrorCode,
  InsufficientStockError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { mapError } from '../../src/error.mapper';

class LockHeldError extends ConflictError {
  readonly retryAfterSeconds = 2;
}

describe('mapError', () => {
  it.each<[ErrorCode, number]>([
    ['VALIDATION_FAILED', 400],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['INSUFFICIENT_STOCK', 409],
    ['INVALID_STATE', 409],
    ['PRECONDITION_FAILED', 412],
    ['PAYLOAD_TOO_LARGE', 413],
    ['IDEMPOTENCY_KEY_REUSED', 422],
    ['RATE_LIMITED', 429],
    ['SERVICE_UNAVAILABLE', 503],
  ])('maps %s to %i', (code, status) => {
    // Prepare
    const error = new DomainError(code, 'what went wrong');

    // Act
    const mapped = mapError(error);

    // Assess
    expect(mapped.statusCode).toBe(status);
    expect(mapped.body).toEqual({ error: { code, message: 'what went wrong' } });
  });

  it('keeps the details of a domain error', () => {
    const error = new InsufficientStockError([{ productId: 'p-1', requested: 3, available: 1 }]);

    expect(mapError(error)).toEqual({
      statusCode: 409,
      body: {
        error: {
          code: 'INSUFFICIENT_STOCK',
          message: 'Not enough stock',
          details: [{ productId: 'p-1', requested: 3, available: 1 }],
        },
      },
    });
  });

  it('maps a validation error with its field details', () => {
    const error = new ValidationError('Invalid request body', [
      { path: 'items.0.quantity', message: 'Too big' },
    ]);

    expect(mapError(error).body.error.details).toEqual([{ path: 'items.0.quantity', message: 'Too big' }]);
  });

  it('tells the client when to retry a 503', () => {
    expect(mapError(new ServiceUnavailableError('Database is busy', 30)).headers).toEqual({
      'Retry-After': '30',
    });
  });

  it('asks for a retry after one second when a 503 does not say when', () => {
    expect(mapError(new DomainError('SERVICE_UNAVAILABLE', 'Try later')).headers).toEqual({
      'Retry-After': '1',
    });
  });

  it('adds Retry-After to any domain error that carries retryAfterSeconds', () => {
    const mapped = mapError(new LockHeldError('The same request is still running'));

    expect(mapped.statusCode).toBe(409);
    expect(mapped.headers).toEqual({ 'Retry-After': '2' });
  });

  it('adds no headers to an ordinary domain error', () => {
    expect(mapError(new NotFoundError('Product')).headers).toBeUndefined();
  });

  it('hides an unexpected error behind a generic 500', () => {
    // Prepare
    const error = new Error('select * from secret', { cause: new Error('connection to 10.0.0.7 refused') });

    // Act
    const mapped = mapError(error);

    // Assess
    expect(mapped).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL', message: 'Internal error' } },
    });
    const serialised = JSON.stringify(mapped);
    expect(serialised).not.toContain('select');
    expect(serialised).not.toContain('secret');
    expect(serialised).not.toContain('10.0.0.7');
    expect(serialised).not.toContain('at ');
  });

  it.each([
    ['a thrown string', 'boom'],
    ['undefined', undefined],
    ['an object with a code', { code: 'NOT_FOUND', message: 'looks like a domain error' }],
    [
      'an error with a code outside the contract',
      Object.assign(new Error('duplicate key'), { code: '23505' }),
    ],
  ])('maps %s to a generic 500', (_case, thrown) => {
    expect(mapError(thrown).statusCode).toBe(500);
  });
});
