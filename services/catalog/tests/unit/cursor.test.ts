import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/cursor';

describe('cursor', () => {
  it('round-trips the position it encodes', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
  });

  it.each([
    '',
    'not base64!',
    Buffer.from('p1.').toString('base64url'),
    Buffer.from('p1.12a').toString('base64url'),
    Buffer.from('p9.1').toString('base64url'),
    'A'.repeat(100),
  ])('rejects %j, which it never issued', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
  });
});
