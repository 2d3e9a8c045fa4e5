import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isUniqueViolation } from '../../src/connection';

const pgError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('pg'), { code, ...extra });

describe('isDatabaseUnavailable', () => {
  it.each(['ECONNREFUSED', '57P01', '53300', '08006'])('treats %s as an outage', (code) => {
    expect(isDatabaseUnavailable(pgError(code))).toBe(true);
  });

  it('treats a pool connect timeout as an outage', () => {
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it.each(['23505', '23514', '42P01'])('treats %s as a real error, not an outage', (code) => {
    expect(isDatabaseUnavailable(pgError(code))).toBe(false);
  });

  it('ignores things that are not errors', () => {
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('isUniqueViolation', () => {
  it('matches the constraint when one is named', () => {
    const error = pgError('23505', { constraint: 'products_sku_key' });
    expect(isUniqueViolation(error, 'products_sku_key')).toBe(true);
    expect(isUniqueViolation(error, 'other_key')).toBe(false);
    expect(isUniqueViolation(pgError('23514'))).toBe(false);
  });
});
