// The consumer against real PostgreSQL, Redis and the SNS stand-in: what a batch leaves in the
// ledger, which alerts it raises and publishes, and how duplicates and poison records are handled.
import type { Database } from '@shop/db';
import type { StockAlert } from '@shop/domain';
import { logger } from '@shop/lambda-kit';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import {
  alertRows,
  type Consumer,
  createConsumer,
  insertProduct,
  inspectionDb,
  ledgerRows,
  newTopic,
  resetLedger,
} from '../support/harness';
import { eventOf, kinesisEvent, kinesisRecord, stockChanged } from '../support/kinesis-events';
import { type SnsSink, startSnsSink } from '../support/sns-sink';

let db: Kysely<Database>;
let sink: SnsSink;
let topicArn: string;
let consumer: Consumer;

beforeAll(async () => {
  db = inspectionDb();
  sink = await startSnsSink();
  topicArn = await newTopic();
  await sink.subscribe(inject('snsEndpoint'), topicArn);
  consumer = createConsumer({ topicArn });
});

afterAll(async () => {
  await consumer.close();
  await sink.close();
  await db.destroy();
});

beforeEach(async () => {
  await resetLedger(db);
});

const published = (count: number) => sink.settle(topicArn, count).then((all) => all.slice(-count));

describe('a batch with a poison record in the middle', () => {
  it('fails only the poison record and records every other event exactly once, in stream order', async () => {
    const product = await insertProduct(db, { stock: 10 });
    const before = sink.received(topicArn).length;
    const first = stockChanged({ productId: product.id, sku: product.sku, previousStock: 10, newStock: 8 });
    const second = stockChanged({ productId: product.id, sku: product.sku, previousStock: 8, newStock: 4 });
    const third = stockChanged({ productId: product.id, sku: product.sku, previousStock: 4, newStock: 3 });
    const poison = kinesisRecord('{"schemaVersion":1,"type":"StockChanged"', { raw: true });
    const invalid = kinesisRecord({ ...third, id: 'not-a-uuid' });
    const event = kinesisEvent([
      kinesisRecord(first),
      kinesisRecord(second),
      poison,
      invalid,
      kinesisRecord(third),
    ]);

    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await consumer.invoke(event);
    const loggedSequenceNumbers = logged.mock.calls.map(
      ([, data]) => (data as { sequenceNumber: string }).sequenceNumber,
    );
    logged.mockRestore();

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: poison.kinesis.sequenceNumber },
        { itemIdentifier: invalid.kinesis.sequenceNumber },
      ],
    });
    expect(loggedSequenceNumbers).toEqual([poison.kinesis.sequenceNumber, invalid.kinesis.sequenceNumber]);
    expect((await ledgerRows(db)).map((row) => row.event_id)).toEqual([first.id, second.id, third.id]);
    const alerts = await alertRows(db);
    expect(alerts.map((a) => [a.event_id, a.type])).toEqual([[second.id, 'LowStock']]);
    expect(await published(1)).toHaveLength(1);
    expect(sink.received(topicArn).length - before).toBe(1);
  });
});

describe('duplicates', () => {
  it('records an event delivered twice in one batch once, with one alert and one SNS message', async () => {
    const product = await insertProduct(db);
    const before = sink.received(topicArn).length;
    const event = stockChanged({ productId: product.id, sku: product.sku, previousStock: 2, newStock: 0 });
    const batch = eventOf(event, event);

    expect(await consumer.invoke(batch)).toEqual({ batchItemFailures: [] });

    expect(await ledgerRows(db)).toHaveLength(1);
    expect(await alertRows(db)).toHaveLength(1);
    await sink.settle(topicArn, before + 1);
    expect(sink.received(topicArn).length - before).toBe(1);
  });

  it('records an event delivered again in a later invocation once, with one alert and one SNS message', async () => {
    const product = await insertProduct(db);
    const before = sink.received(topicArn).length;
    const event = stockChanged({ productId: product.id, sku: product.sku, previousStock: 0, newStock: 12 });
    const batch = eventOf(event);

    expect(await consumer.invoke(batch)).toEqual({ batchItemFailures: [] });
    // Lambda retrying the same records, then the producer publishing the event again.
    expect(await consumer.invoke(batch)).toEqual({ batchItemFailures: [] });
    expect(await consumer.invoke(eventOf(event))).toEqual({ batchItemFailures: [] });

    expect(await ledgerRows(db)).toHaveLength(1);
    const alerts = await alertRows(db);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.published_at).toBeInstanceOf(Date);
    await sink.settle(topicArn, before + 1);
    expect(sink.received(topicArn).length - before).toBe(1);
  });
});

describe('stock alerts (api.md: one alert per crossing)', () => {
  // [what, previousStock, newStock, expected alert] with a threshold of 5.
  const cases: Array<[string, number, number, StockAlert['type'] | null]> = [
    ['above the threshold to below it', 10, 4, 'LowStock'],
    ['above the threshold to exactly it', 8, 5, 'LowStock'],
    ['low to zero', 3, 0, 'OutOfStock'],
    ['above the threshold straight to zero (one alert, the more severe)', 10, 0, 'OutOfStock'],
    ['zero to low', 0, 2, 'BackInStock'],
    ['zero to above the threshold', 0, 40, 'BackInStock'],
    ['above to above', 10, 8, null],
    ['low to lower', 4, 3, null],
    ['at the threshold to below it (no crossing)', 5, 4, null],
    ['low back above the threshold', 3, 9, null],
    ['above to more above', 9, 30, null],
  ];

  it('raises exactly the expected alerts and publishes the api.md message with its alertType', async () => {
    const before = sink.received(topicArn).length;
    const seeded = await Promise.all(cases.map(() => insertProduct(db, { lowStockThreshold: 5 })));
    const events = cases.map(([, previousStock, newStock], index) => {
      const product = seeded[index]!;
      return stockChanged({
        productId: product.id,
        sku: product.sku,
        previousStock,
        newStock,
        lowStockThreshold: 5,
      });
    });

    expect(await consumer.invoke(eventOf(...events))).toEqual({ batchItemFailures: [] });

    const expected = cases.flatMap(([what, , , type], index) =>
      type ? [{ what, type, event: events[index]!, product: seeded[index]! }] : [],
    );
    const alerts = await alertRows(db);
    expect(alerts.map((a) => [a.event_id, a.type])).toEqual(
      expected.map(({ event, type }) => [event.id, type]),
    );
    expect(alerts.every((a) => a.published_at instanceof Date)).toBe(true);

    const notifications = await published(expected.length);
    expect(sink.received(topicArn).length - before).toBe(expected.length);
    const byId = new Map(notifications.map((n) => [(JSON.parse(n.Message) as StockAlert).id, n]));
    for (const [index, { what, event, type, product }] of expected.entries()) {
      const row = alerts[index]!;
      const message: StockAlert = {
        schemaVersion: 1,
        id: row.id,
        type,
        productId: event.productId,
        sku: event.sku,
        name: product.name,
        stock: event.newStock,
        threshold: 5,
        occurredAt: event.occurredAt,
        correlationId: event.correlationId,
      };
      expect(row.payload).toEqual(message);
      const notification = byId.get(row.id);
      expect(notification, `SNS message for ${what}`).toBeDefined();
      expect(JSON.parse(notification!.Message)).toEqual(message);
      expect(notification!.MessageAttributes.alertType).toEqual({ Type: 'String', Value: type });
    }
  });

  it('names the product by its sku when the catalog does not know it', async () => {
    const event = stockChanged({ sku: 'GONE-SKU-1', previousStock: 1, newStock: 0 });

    expect(await consumer.invoke(eventOf(event))).toEqual({ batchItemFailures: [] });

    const [alert] = await alertRows(db);
    expect(alert?.payload).toMatchObject({ type: 'OutOfStock', sku: 'GONE-SKU-1', name: 'GONE-SKU-1' });
  });

  it('keeps the stream order of one product within a batch', async () => {
    const product = await insertProduct(db);
    const changes = [
      [10, 4],
      [4, 0],
      [0, 6],
      [6, 5],
    ].map(([previousStock, newStock]) =>
      stockChanged({
        productId: product.id,
        sku: product.sku,
        previousStock: previousStock!,
        newStock: newStock!,
      }),
    );
    const batch = eventOf(...changes);

    expect(await consumer.invoke(batch)).toEqual({ batchItemFailures: [] });

    expect((await ledgerRows(db)).map((row) => [row.event_id, row.previous_stock, row.new_stock])).toEqual(
      changes.map((c) => [c.id, c.previousStock, c.newStock]),
    );
    expect((await alertRows(db)).map((a) => a.type)).toEqual([
      'LowStock',
      'OutOfStock',
      'BackInStock',
      'LowStock',
    ]);
  });
});
