// Edge validation of the `stock-events` stream (api.md, `StockChanged` schemaVersion 1). A record
// that does not parse is poison: it can never succeed, so it fails alone and never reaches the
// database. Unknown fields are tolerated: producers may add fields without breaking this consumer.
import { STOCK_ADJUSTMENT_REASONS, type StockChanged } from '@shop/domain';
import type { KinesisStreamRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { safeParse } from 'zod/v4/core';

const count = z.int().check(z.gte(0));
const STOCK_CHANGE_REASONS = ['order', 'cancellation', ...STOCK_ADJUSTMENT_REASONS] as const;

export const stockChangedSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: z.uuid(),
    type: z.literal('StockChanged'),
    occurredAt: z.iso.datetime({ offset: true }),
    productId: z.uuid(),
    sku: z.string().check(z.minLength(1), z.maxLength(64)),
    previousStock: count,
    newStock: count,
    delta: z.int(),
    lowStockThreshold: count,
    reason: z.enum(STOCK_CHANGE_REASONS),
    orderId: z.optional(z.uuid()),
    correlationId: z.string().check(z.minLength(1), z.maxLength(255)),
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

/** A record of the batch: its Kinesis sequence number and what it said. */
export type ParsedRecord =
  | { readonly ok: true; readonly sequenceNumber: string; readonly event: StockChanged }
  | { readonly ok: false; readonly sequenceNumber: string; readonly problems: readonly string[] };

/** Decodes (base64 JSON) and validates one Kinesis record. Never throws. */
export const parseStockRecord = (record: KinesisStreamRecord): ParsedRecord => {
  const { sequenceNumber, data } = record.kinesis;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, sequenceNumber, problems: ['data is not base64-encoded JSON'] };
  }
  const result = safeParse(stockChangedSchema, json);
  if (!result.success) {
    return {
      ok: false,
      sequenceNumber,
      problems: result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`),
    };
  }
  // Assigning to the domain type checks, at compile time, that the schema produces exactly it.
  const event: StockChanged = result.data;
  return { ok: true, sequenceNumber, event };
};
