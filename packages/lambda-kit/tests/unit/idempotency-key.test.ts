import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { idempotencyKeyOf, idempotencyScopeOf } from '../../src/idempotency-key';

describe('idempotencyKeyOf', () => {
  it('is undefined without the header', () => {
    expect(idempotencyKeyOf({ 'content-type': 'application/json' })).toBeUndefined();
  });

  it.each(['a', 'k'.repeat(255), ' ', 'order 2025-01-01 #1 ~!@$%^&*()'])('accepts %j', (key) => {
    expect(idempotencyKeyOf({ 'idempotency-key': key })).toBe(key);
  });

  it.each(['', 'k'.repeat(256), 'é', 'tab\there', 'new\nline', '\u007F'])('rejects %j with a 400', (key) => {
    // Act
    const read = () => idempotencyKeyOf({ 'idempotency-key': key });

    // Assess
    expect(read).toThrow(ValidationError);
    try {
      read();
    } catch (error) {
      expect((error as ValidationError).details).toEqual([
        { path: 'headers.idempotency-key', message: 'Must be 1 to 255 printable ASCII characters' },
      ]);
    }
  });
});

describe('idempotencyScopeOf', () => {
  it('scopes a signed-in caller by sub and every anonymous caller together', () => {
    expect(idempotencyScopeOf({ sub: 'u-1', email: undefined, groups: [] })).toBe('sub:u-1');
    expect(idempotencyScopeOf(null)).toBe('anonymous');
  });

  it('cannot confuse a caller whose sub is "anonymous" with anonymous callers', () => {
    expect(idempotencyScopeOf({ sub: 'anonymous', email: undefined, groups: [] })).not.toBe(
      idempotencyScopeOf(null),
    );
  });
});
