import { describe, expect, it } from 'vitest';
import { stockChanged } from '../../src/stock';
import { stockAlert, stockAlertFor } from '../../src/stock-alert';

describe('stockAlertFor (threshold 5)', () => {
  it.each([
    // [previous, new, alert]
    [10, 6, null], // still above the threshold
    [10, 5, 'LowStock'], // crosses to exactly the threshold
    [6, 1, 'LowStock'], // crosses to below it, still in stock
    [10, 0, 'OutOfStock'], // one event from above the threshold straight to 0: one alert
    [5, 3, null], // already at or below the threshold: no new crossing
    [3, 0, 'OutOfStock'], // low to out
    [1, 0, 'OutOfStock'],
    [0, 0, null],
    [0, 3, 'BackInStock'], // back, even though still low
    [0, 20, 'BackInStock'],
    [3, 20, null], // recovering above the threshold raises nothing
    [5, 6, null],
    [20, 20, null],
  ] as const)('%i -> %i raises %s', (previousStock, newStock, expected) => {
    expect(stockAlertFor({ previousStock, newStock, lowStockThreshold: 5 })).toBe(expected);
  });

  it('never raises LowStock with a threshold of 0: only OutOfStock', () => {
    expect(stockAlertFor({ previousStock: 3, newStock: 0, lowStockThreshold: 0 })).toBe('OutOfStock');
    expect(stockAlertFor({ previousStock: 3, newStock: 1, lowStockThreshold: 0 })).toBeNull();
  });
});

describe('stockAlert', () => {
  const event = stockChanged({
    id: 'e1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    product: { id: 'p1', sku: 'SKU-1', lowStockThreshold: 5 },
    previousStock: 7,
    newStock: 4,
    reason: 'order',
    orderId: 'o1',
    correlationId: 'r1',
  });

  it('builds the stock-alerts message of api.md from the event', () => {
    expect(stockAlert(event, { id: 'a1', name: 'Mug', occurredAt: '2026-01-01T00:00:01.000Z' })).toEqual({
      schemaVersion: 1,
      id: 'a1',
      type: 'LowStock',
      productId: 'p1',
      sku: 'SKU-1',
      name: 'Mug',
      stock: 4,
      threshold: 5,
      occurredAt: '2026-01-01T00:00:01.000Z',
      correlationId: 'r1',
    });
  });

  it('returns null for a change that crosses nothing', () => {
    expect(
      stockAlert(
        { ...event, previousStock: 4, newStock: 3, delta: -1 },
        { id: 'a', name: 'n', occurredAt: 't' },
      ),
    ).toBeNull();
  });
});
