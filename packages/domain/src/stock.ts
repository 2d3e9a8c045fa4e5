import { InsufficientStockError, ValidationError } from './errors';
import { PRODUCT_LIMITS, type Product } from './product';

export const STOCK_ADJUSTMENT_REASONS = ['restock', 'correction', 'damage', 'return'] as const;
export type StockAdjustmentReason = (typeof STOCK_ADJUSTMENT_REASONS)[number];
export type StockChangeReason = 'order' | 'cancellation' | StockAdjustmentReason;

/** Largest single adjustment an admin may make; anything bigger is a typo, not a delivery. */
export const MAX_STOCK_DELTA = 1_000_000;

/**
 * The stock after applying `delta`. Stock never goes below zero (the caller learns how much was
 * available instead) nor above {@link PRODUCT_LIMITS.maxStock} (a 400 on `delta`).
 */
export const applyStockDelta = (product: Pick<Product, 'id' | 'stock'>, delta: number): number => {
  if (!Number.isSafeInteger(delta) || delta === 0) {
    throw new ValidationError('delta must be a non-zero integer', [
      { path: 'delta', message: 'must be != 0' },
    ]);
  }
  const next = product.stock + delta;
  if (next < 0) {
    throw new InsufficientStockError([
      { productId: product.id, requested: -delta, available: product.stock },
    ]);
  }
  if (next > PRODUCT_LIMITS.maxStock) {
    throw new ValidationError(`Stock cannot exceed ${PRODUCT_LIMITS.maxStock}`, [
      {
        path: 'delta',
        message: `must keep stock at or below ${PRODUCT_LIMITS.maxStock} (now ${product.stock})`,
      },
    ]);
  }
  return next;
};

/** `StockChanged` as published on the `stock-events` stream (api.md, schemaVersion 1). */
export interface StockChanged {
  readonly schemaVersion: 1;
  readonly id: string;
  readonly type: 'StockChanged';
  readonly occurredAt: string;
  readonly productId: string;
  readonly sku: string;
  readonly previousStock: number;
  readonly newStock: number;
  readonly delta: number;
  readonly lowStockThreshold: number;
  readonly reason: StockChangeReason;
  readonly orderId?: string;
  readonly correlationId: string;
}

export const stockChanged = (input: {
  id: string;
  occurredAt: string;
  product: Pick<Product, 'id' | 'sku' | 'lowStockThreshold'>;
  previousStock: number;
  newStock: number;
  reason: StockChangeReason;
  orderId?: string;
  correlationId: string;
}): StockChanged => {
  const needsOrder = input.reason === 'order' || input.reason === 'cancellation';
  if (needsOrder !== (input.orderId !== undefined)) {
    throw new Error(`StockChanged(${input.reason}) ${needsOrder ? 'needs' : 'must not have'} an orderId`);
  }
  return {
    schemaVersion: 1,
    id: input.id,
    type: 'StockChanged',
    occurredAt: input.occurredAt,
    productId: input.product.id,
    sku: input.product.sku,
    previousStock: input.previousStock,
    newStock: input.newStock,
    delta: input.newStock - input.previousStock,
    lowStockThreshold: input.product.lowStockThreshold,
    reason: input.reason,
    ...(input.orderId === undefined ? {} : { orderId: input.orderId }),
    correlationId: input.correlationId,
  };
};
