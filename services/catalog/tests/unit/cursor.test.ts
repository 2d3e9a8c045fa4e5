import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  decodeStockHistoryCursor,
  encodeCursor,
  encodeStockHistoryCursor,
} from '../../src/cursor';

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

describe('stock history cursor', () => {
  it('round-trips the ledger position it encodes', () => {
    expect(decodeStockHistoryCursor(encodeStockHistoryCursor('987'))).toBe('987');
  });

  it('is never taken for a product list cursor, nor the other way round', () => {
    expect(() => decodeStockHistoryCursor(encodeCursor('5'))).toThrow(ValidationError);
    expect(() => decodeCursor(encodeStockHistoryCursor('5'))).toThrow(ValidationError);
  });
});
