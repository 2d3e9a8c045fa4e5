import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { createSeqCursor } from '../../src/seq.cursor';

describe('createSeqCursor', () => {
  const cursor = createSeqCursor('x1');

  it('round-trips the seq it encodes, opaquely', () => {
    const encoded = cursor.encode('9223372036854775807');
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor.decode(encoded)).toBe('9223372036854775807');
  });

  it.each([
    '',
    'not base64!',
    Buffer.from('x1.').toString('base64url'),
    Buffer.from('x1.-5').toString('base64url'),
    Buffer.from('x1.12345678901234567890').toString('base64url'),
    // 19 digits, one past the largest bigint: PostgreSQL would refuse it with an error.
    Buffer.from('x1.9223372036854775808').toString('base64url'),
    Buffer.from('x1.9999999999999999999').toString('base64url'),
    // Another API's cursor.
    Buffer.from('y1.5').toString('base64url'),
    'A'.repeat(65),
  ])('rejects %j, which it never issued', (value) => {
    expect(() => cursor.decode(value)).toThrow(ValidationError);
  });

  it('refuses a prefix that is not a plain version tag', () => {
    expect(() => createSeqCursor('p.*')).toThrow(/invalid cursor prefix/);
  });
});
