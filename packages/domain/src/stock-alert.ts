import type { StockChanged } from './stock';

export const STOCK_ALERT_TYPES = ['LowStock', 'OutOfStock', 'BackInStock'] as const;
export type StockAlertType = (typeof STOCK_ALERT_TYPES)[number];

/**
 * The alert a stock change raises, if any (api.md, SNS `stock-alerts`): one per crossing, never
 * two for one event.
 * - `OutOfStock`: stock reached 0 from above 0 (also when one event jumps from above the threshold
 *   straight to 0: that is one crossing, reported as the more severe one);
 * - `BackInStock`: stock rose from 0 to above 0;
 * - `LowStock`: stock crossed from above the threshold to at or below it, and is still above 0.
 */
export const stockAlertFor = (
  change: Pick<StockChanged, 'previousStock' | 'newStock' | 'lowStockThreshold'>,
): StockAlertType | null => {
  const { previousStock: before, newStock: after, lowStockThreshold: threshold } = change;
  if (before > 0 && after === 0) return 'OutOfStock';
  if (before === 0 && after > 0) return 'BackInStock';
  if (before > threshold && after <= threshold && after > 0) return 'LowStock';
  return null;
};

/** A message on the SNS topic `stock-alerts` (schemaVersion 1); `alertType` repeats `type` as a message attribute. */
export interface StockAlert {
  readonly schemaVersion: 1;
  readonly id: string;
  readonly type: StockAlertType;
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly stock: number;
  readonly threshold: number;
  readonly occurredAt: string;
  readonly correlationId: string;
}

/** The alert for a `StockChanged` event, or null when it crosses nothing. */
export const stockAlert = (
  event: StockChanged,
  input: { id: string; name: string; occurredAt: string },
): StockAlert | null => {
  const type = stockAlertFor(event);
  if (type === null) return null;
  return {
    schemaVersion: 1,
    id: input.id,
    type,
    productId: event.productId,
    sku: event.sku,
    name: input.name,
    stock: event.newStock,
    threshold: event.lowStockThreshold,
    occurredAt: input.occurredAt,
    correlationId: event.correlationId,
  };
};
