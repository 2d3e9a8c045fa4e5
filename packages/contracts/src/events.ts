// The event contract of api.md: `StockChanged` on the `stock-events` stream and the `stock-alerts`
// message. Consumers parse with these; producers' tests check what they write against them.
// Unknown fields are tolerated, so producers may add fields without breaking a consumer.
import { STOCK_ALERT_TYPES } from '@shop/domain';
import * as z from 'zod/mini';
import { STOCK_CHANGE_REASONS } from './responses';

const count = z.int().check(z.gte(0));
const bounded = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const stockChangedEvent = z
  .object({
    schemaVersion: z.literal(1),
    id: z.uuid(),
    type: z.literal('StockChanged'),
    occurredAt: z.iso.datetime({ offset: true }),
    productId: z.uuid(),
    sku: bounded(64),
    previousStock: count,
    newStock: count,
    delta: z.int(),
    lowStockThreshold: count,
    reason: z.enum(STOCK_CHANGE_REASONS),
    orderId: z.optional(z.uuid()),
    correlationId: bounded(255),
  })
  .check(
    z.refine((e) => e.newStock - e.previousStock === e.delta, {
      message: 'delta must equal newStock - previousStock',
      path: ['delta'],
    }),
    z.refine((e) => (e.reason === 'order' || e.reason === 'cancellation') === (e.orderId !== undefined), {
      message: 'orderId is required for order and cancellation, and only for them',
      path: ['orderId'],
    }),
  );

export const stockAlertMessage = z.object({
  schemaVersion: z.literal(1),
  id: z.uuid(),
  type: z.enum(STOCK_ALERT_TYPES),
  productId: z.uuid(),
  sku: bounded(64),
  name: bounded(200),
  stock: count,
  threshold: count,
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: bounded(255),
});
