// A full 1,000-record batch: a constant number of database round trips, every event recorded, every
// alert published, and the batch's products invalidated in the catalog cache.
import { LIST_GENERATION_KEY, PRODUCT_KEY } from '@shop/catalog-cache';
import type { Database } from '@shop/db';
import type { StockChanged } from '@shop/domain';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  alertRows,
  type Consumer,
  createConsumer,
  insertProduct,
  inspectionDb,
  ledgerRows,
  newTopic,
  resetLedger,
  type SeededProduct,
} from '../support/harness';
import { eventOf, stockChanged } from '../support/kinesis-events';
import { type SnsSink, startSnsSink } from '../support/sns-sink';

const BATCH_SIZE = 1_000;
const PRODUCTS = 20;

let db: Kysely<Database>;
let redis: Redis;
let sink: SnsSink;
let topicArn: string;
let consumer: Consumer;

beforeAll(async () => {
  db = inspectionDb();
  redis = new Redis(inject('redisUrl'));
  sink = await startSnsSink();
  topicArn = await newTopic();
  await sink.subscribe(inject('snsEndpoint'), topicArn);
  consumer = createConsumer({ topicArn });
});

afterAll(async () => {
  await consumer.close();
  redis.disconnect();
  await sink.close();
  await db.destroy();
});

beforeEach(async () => {
  await resetLedger(db);
});

/**
 * `perProduct` (at most 50) events for each product, walking its stock down by one from 54
 * (threshold 5): each product crosses LowStock once (6 -> 5), and the walk stays above 0.
 */
const walkDown = (products: readonly SeededProduct[], perProduct: number): StockChanged[] => {
  const events: StockChanged[] = [];
  for (let step = 0; step < perProduct; step += 1) {
    for (const product of products) {
      events.push(
        stockChanged({
          productId: product.id,
          sku: product.sku,
          previousStock: 54 - step,
          newStock: 53 - step,
          lowStockThreshold: 5,
        }),
      );
    }
  }
  return events;
};

describe('a 1,000-record batch', () => {
  it('costs two database round trips: one statement to record it, one to mark its alerts published', async () => {
    const products = await Promise.all(Array.from({ length: PRODUCTS }, () => insertProduct(db)));
    const events = walkDown(products, BATCH_SIZE / PRODUCTS);
    const before = sink.received(topicArn).length;

    const queriesBefore = consumer.queries();
    expect(await consumer.invoke(eventOf(...events))).toEqual({ batchItemFailures: [] });
    const roundTrips = consumer.queries() - queriesBefore;

    expect(roundTrips).toBe(2);
    expect(await ledgerRows(db)).toHaveLength(BATCH_SIZE);
    const alerts = await alertRows(db);
    expect(alerts).toHaveLength(PRODUCTS);
    expect(new Set(alerts.map((a) => a.type))).toEqual(new Set(['LowStock']));
    await sink.settle(topicArn, before + PRODUCTS);
    expect(sink.received(topicArn).length - before).toBe(PRODUCTS);
  });

  it('costs one round trip when it raises no alert', async () => {
    const products = await Promise.all(Array.from({ length: PRODUCTS }, () => insertProduct(db)));
    const events = walkDown(products, 50).filter((event) => event.newStock > 5 || event.previousStock <= 5);
    const queriesBefore = consumer.queries();

    expect(await consumer.invoke(eventOf(...events))).toEqual({ batchItemFailures: [] });

    expect(consumer.queries() - queriesBefore).toBe(1);
    expect(await alertRows(db)).toEqual([]);
  });
});

describe('the catalog cache', () => {
  it("tombstones the batch's products at their current version and starts a new list generation", async () => {
    const changed = await insertProduct(db);
    const untouched = await insertProduct(db);
    await db.updateTable('products').set({ version: 7 }).where('id', '=', changed.id).execute();
    await redis.set(PRODUCT_KEY(changed.id), `6\n{"id":"${changed.id}","stock":10}`);
    await redis.set(PRODUCT_KEY(untouched.id), `1\n{"id":"${untouched.id}"}`);
    const generation = Number((await redis.get(LIST_GENERATION_KEY)) ?? 0);

    const event = stockChanged({ productId: changed.id, sku: changed.sku, previousStock: 10, newStock: 9 });
    expect(await consumer.invoke(eventOf(event))).toEqual({ batchItemFailures: [] });

    expect(await redis.get(PRODUCT_KEY(changed.id))).toBe('7\n');
    expect(await redis.get(PRODUCT_KEY(untouched.id))).toBe(`1\n{"id":"${untouched.id}"}`);
    expect(Number(await redis.get(LIST_GENERATION_KEY))).toBeGreaterThan(generation);
  });
});
