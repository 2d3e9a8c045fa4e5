// What the consumer reports when SNS or the database is down, and that a retry after SNS recovers
// publishes the alert exactly once.
import type { Database } from '@shop/db';
import type { StockAlert } from '@shop/domain';
import { logger } from '@shop/lambda-kit';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import {
  alertRows,
  createConsumer,
  insertProduct,
  inspectionDb,
  ledgerRows,
  newTopic,
  resetLedger,
  UNREACHABLE,
  unreachableDatabaseUrl,
} from '../support/harness';
import { kinesisEvent, kinesisRecord, stockChanged } from '../support/kinesis-events';
import { type SnsSink, startSnsSink } from '../support/sns-sink';

let db: Kysely<Database>;
let sink: SnsSink;
let topicArn: string;

beforeAll(async () => {
  db = inspectionDb();
  sink = await startSnsSink();
  topicArn = await newTopic();
  await sink.subscribe(inject('snsEndpoint'), topicArn);
});

afterAll(async () => {
  await sink.close();
  await db.destroy();
});

beforeEach(async () => {
  await resetLedger(db);
  // The failures below are expected: their warnings and errors are not news.
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  return () => vi.restoreAllMocks();
});

describe('SNS unreachable', () => {
  it('fails the records whose alerts were not published, keeps the ledger rows and the alerts unpublished, and the retry publishes each once', async () => {
    const product = await insertProduct(db, { stock: 10 });
    const other = await insertProduct(db, { stock: 0 });
    const plain = stockChanged({ productId: product.id, sku: product.sku, previousStock: 10, newStock: 9 });
    const low = stockChanged({ productId: product.id, sku: product.sku, previousStock: 9, newStock: 3 });
    const back = stockChanged({ productId: other.id, sku: other.sku, previousStock: 0, newStock: 4 });
    const after = stockChanged({ productId: product.id, sku: product.sku, previousStock: 3, newStock: 2 });
    const records = [plain, low, back, after].map((event) => kinesisRecord(event));
    const [, lowRecord, backRecord] = records;
    const before = sink.received(topicArn).length;

    const down = createConsumer({ topicArn, snsEndpoint: UNREACHABLE });
    try {
      const response = await down.invoke(kinesisEvent(records));
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
        [lowRecord!.kinesis.sequenceNumber, backRecord!.kinesis.sequenceNumber].sort(),
      );
    } finally {
      await down.close();
    }
    expect((await ledgerRows(db)).map((row) => row.event_id)).toEqual([plain.id, low.id, back.id, after.id]);
    const unpublished = await alertRows(db);
    expect(unpublished.map((a) => [a.event_id, a.type, a.published_at])).toEqual([
      [low.id, 'LowStock', null],
      [back.id, 'BackInStock', null],
    ]);

    // Lambda resumes from the lowest failed sequence number, with SNS back.
    const recovered = createConsumer({ topicArn });
    try {
      expect(await recovered.invoke(kinesisEvent(records.slice(1)))).toEqual({ batchItemFailures: [] });
      // A later redelivery publishes nothing more.
      expect(await recovered.invoke(kinesisEvent(records))).toEqual({ batchItemFailures: [] });
    } finally {
      await recovered.close();
    }

    const notifications = await sink.settle(topicArn, before + 2);
    expect(notifications.length - before).toBe(2);
    const publishedIds = notifications.slice(before).map((n) => (JSON.parse(n.Message) as StockAlert).id);
    expect(publishedIds.sort()).toEqual(unpublished.map((a) => a.id).sort());
    const alerts = await alertRows(db);
    expect(alerts.map((a) => a.id)).toEqual(unpublished.map((a) => a.id));
    expect(alerts.every((a) => a.published_at instanceof Date)).toBe(true);
    expect(await ledgerRows(db)).toHaveLength(4);
  });
});

describe('database down', () => {
  it('fails every valid record (the poison one too): the processor throws, so Lambda bisects and retries', async () => {
    const consumer = createConsumer({ topicArn, databaseUrl: unreachableDatabaseUrl() });
    const records = [
      kinesisRecord(stockChanged({ previousStock: 3, newStock: 0 })),
      kinesisRecord('not json', { raw: true }),
      kinesisRecord(stockChanged({ previousStock: 9, newStock: 8 })),
    ];
    let failure: unknown;
    try {
      await consumer.invoke(kinesisEvent(records));
    } catch (error) {
      failure = error;
    } finally {
      await consumer.close();
    }

    expect(failure).toMatchObject({ name: 'FullBatchFailureError' });
    const recordErrors = (failure as { recordErrors: Error[] }).recordErrors.map((error) => error.name);
    expect(recordErrors.sort()).toEqual(['PoisonRecordError', 'StockLedgerError', 'StockLedgerError']);
    expect(await ledgerRows(db)).toEqual([]);
  });
});
