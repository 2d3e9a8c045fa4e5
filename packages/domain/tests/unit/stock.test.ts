import { describe, expect, it } from 'vitest';
import { InsufficientStockError, ValidationError } from '../../src/errors';
import { PRODUCT_LIMITS } from '../../src/product';
import { applyStockDelta, stockChanged } from '../../src/stock';

const product = { id: 'p1', sku: 'SKU-1', stock: 3, lowStockThreshold: 5 };

describe('applyStockDelta', () => {
  it('adds restocks and subtracts removals', () => {
    expect(applyStockDelta(product, 10)).toBe(13);
    expect(applyStockDelta(product, -3)).toBe(0);
  });

  it('refuses to go below zero and says what was available', () => {
    try {
      applyStockDelta(product, -4);
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(InsufficientStockError);
      expect((error as InsufficientStockError).details).toEqual([
        { productId: 'p1', requested: 4, available: 3 },
      ]);
    }
  });

  it.each([0, 0.5, Number.NaN])('rejects the delta %s', (delta) => {
    expect(() => applyStockDelta(product, delta)).toThrow(ValidationError);
  });
});

describe('applyStockDelta at the top of the range', () => {
  it('allows stock up to the maximum an admin may set and refuses one unit more with a 400 on delta', () => {
    const full = { ...product, stock: PRODUCT_LIMITS.maxStock - 10 };
    expect(applyStockDelta(full, 10)).toBe(PRODUCT_LIMITS.maxStock);
    try {
      applyStockDelta(full, 11);
      expect.fail('should have thrown');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      expect(error.details).toEqual([expect.objectContaining({ path: 'delta' })]);
    }
  });

  it('leaves int4 headroom above the maximum for cancellations to give units back', () => {
    expect(PRODUCT_LIMITS.maxStock + 100 * 1_000_000).toBeLessThan(2 ** 31 - 1);
  });
});

describe('stockChanged', () => {
  const base = { id: 'e1', occurredAt: '2026-01-01T00:00:00.000Z', product, correlationId: 'r1' };

  it('derives the delta from the two stock levels', () => {
    const event = stockChanged({ ...base, previousStock: 3, newStock: 1, reason: 'order', orderId: 'o1' });
    expect(event).toMatchObject({
      type: 'StockChanged',
      schemaVersion: 1,
      delta: -2,
      orderId: 'o1',
      sku: 'SKU-1',
    });
  });

  it('leaves orderId out of admin adjustments', () => {
    const event = stockChanged({ ...base, previousStock: 0, newStock: 5, reason: 'restock' });
    expect('orderId' in event).toBe(false);
  });

  it('refuses an order event without an order id', () => {
    expect(() => stockChanged({ ...base, previousStock: 3, newStock: 1, reason: 'order' })).toThrow(
      /needs an orderId/,
    );
  });
});
