import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/cursor';

describe('order cursors', () => {
  it('round-trip the seq they were made from', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
  });

  it.each([
    'garbage!',
    Buffer.from('o1.').toString('base64url'),
    Buffer.from('o1.-5').toString('base64url'),
    // A catalog cursor is not an orders cursor.
    Buffer.from('p1.5').toString('base64url'),
    'a'.repeat(65),
  ])('refuses %s', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
  });
});
