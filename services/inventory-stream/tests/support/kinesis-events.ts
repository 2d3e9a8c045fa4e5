// Builds StockChanged events and the Kinesis events Lambda delivers them in (base64 data, one
// increasing sequence number per record, partition key = productId as the producers set it).
import { randomUUID } from 'node:crypto';
import type { StockChanged, StockChangeReason } from '@shop/domain';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

export interface StockChangeSpec {
  readonly productId?: string;
  readonly sku?: string;
  readonly previousStock: number;
  readonly newStock: number;
  readonly lowStockThreshold?: number;
  readonly reason?: StockChangeReason;
  readonly id?: string;
  readonly occurredAt?: string;
  readonly correlationId?: string;
}

/** A valid StockChanged (schemaVersion 1); `delta` follows from the stocks. */
export const stockChanged = (spec: StockChangeSpec): StockChanged => {
  const reason = spec.reason ?? (spec.newStock < spec.previousStock ? 'order' : 'restock');
  const needsOrder = reason === 'order' || reason === 'cancellation';
  return {
    schemaVersion: 1,
    id: spec.id ?? randomUUID(),
    type: 'StockChanged',
    occurredAt: spec.occurredAt ?? new Date().toISOString(),
    productId: spec.productId ?? randomUUID(),
    sku: spec.sku ?? 'TEST-SKU',
    previousStock: spec.previousStock,
    newStock: spec.newStock,
    delta: spec.newStock - spec.previousStock,
    lowStockThreshold: spec.lowStockThreshold ?? 5,
    reason,
    ...(needsOrder ? { orderId: randomUUID() } : {}),
    correlationId: spec.correlationId ?? `test-${randomUUID()}`,
  };
};

// Kinesis sequence numbers are 56-digit decimals that grow within a shard.
let sequence = 49_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
export const nextSequenceNumber = (): string => {
  sequence += 1n;
  return sequence.toString();
};

/** A record carrying `payload` as JSON, or a raw string (for poison records) as is. */
export const kinesisRecord = (
  payload: unknown,
  options: { raw?: boolean; sequenceNumber?: string; partitionKey?: string } = {},
): KinesisStreamRecord => {
  const text = options.raw ? String(payload) : JSON.stringify(payload);
  const partitionKey =
    options.partitionKey ??
    (typeof payload === 'object' && payload !== null && 'productId' in payload
      ? String((payload as { productId: unknown }).productId)
      : 'poison');
  const sequenceNumber = options.sequenceNumber ?? nextSequenceNumber();
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(text, 'utf8').toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/shop-test-inventory-stream',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/stock-events',
  };
};

export const kinesisEvent = (records: readonly KinesisStreamRecord[]): KinesisStreamEvent => ({
  Records: [...records],
});

/** One record per event, in order. */
export const eventOf = (...events: readonly unknown[]): KinesisStreamEvent =>
  kinesisEvent(events.map((event) => kinesisRecord(event)));

export const sequenceNumbersOf = (event: KinesisStreamEvent): string[] =>
  event.Records.map((record) => record.kinesis.sequenceNumber);
