// 200 real orders through the orders service (place_order, some cancel_order) while Kinesis fails
// half its calls, or is stopped: the service kicks the relay after every commit as in production,
// and once Kinesis has recovered every StockChanged event the orders wrote is in the stream, none
// missing, each product's events in the order of their outbox seq.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createDb, type Database } from '@shop/db';
import {
  createKinesisClient,
  createKinesisPublisher,
  createOutboxRelay,
  type DrainResult,
  kickOutboxRelay,
  type OutboxPublisher,
  type OutboxRelay,
  type RelayLogger,
} from '@shop/outbox';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  address,
  CUSTOMER,
  createHarness,
  type Harness,
  insertProduct,
  resetOrders,
} from '../support/harness';
import {
  expectDelivered,
  flakyPublisher,
  LOCAL_CREDENTIALS,
  localKinesis,
  readStream,
  type StreamRecord,
  type TestEvent,
  unpublishedCount,
} from '../support/outbox.fixture';

const ORDERS = 200;
const PRODUCTS = 8;
const STOCK = 1_000;
/** Orders placed at once, as concurrent Lambda invocations would. */
const CONCURRENCY = 8;

const quietLogger: RelayLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const FAST_BACKOFF = { initialMs: 5, maxMs: 50 };

let relayDb: Kysely<Database>;
let reader: KinesisClient;
let relayClient: KinesisClient;
let harness: Harness | undefined;
/** The relay the service's after-commit hook kicks; each test sets its own. */
let relay: OutboxRelay;
/** Drains started by kicks: a kick waits 50 ms at most, the drain goes on behind it. */
let drains: Promise<DrainResult>[] = [];
const streamName = inject('streamName');

/** The running relay, with every drain it starts remembered so the test can wait for them. */
const trackedRelay = (): OutboxRelay => ({
  drain(options) {
    const drain = relay.drain(options);
    drains.push(drain);
    return drain;
  },
});

const relayWith = (publisher: OutboxPublisher, maxDrainMs = 200): OutboxRelay =>
  createOutboxRelay({ db: relayDb, publisher, logger: quietLogger, backoff: FAST_BACKOFF, maxDrainMs });

const realPublisher = (): OutboxPublisher => createKinesisPublisher(relayClient, streamName);

beforeAll(() => {
  relayDb = createDb({ url: inject('databaseUrl') }, { max: 2 });
  reader = localKinesis(inject('kinesisEndpoint'));
  relayClient = createKinesisClient({
    region: 'us-east-1',
    endpoint: inject('kinesisEndpoint'),
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  await relayDb.destroy();
  reader.destroy();
  relayClient.destroy();
});

beforeEach(async () => {
  drains = [];
  harness = createHarness({
    poolSize: CONCURRENCY,
    eventsCommitted: () => kickOutboxRelay(trackedRelay, 50),
  });
  await resetOrders(harness.db);
});

afterEach(async () => {
  await Promise.allSettled(drains);
  await harness?.close();
});

/**
 * Places ORDERS orders over PRODUCTS products, CONCURRENCY at a time: every third order takes two
 * products, and every tenth order is cancelled right after it is placed. Returns, per order id,
 * the StockChanged events it should have written: one per line, and one more per line if cancelled.
 */
const placeOrders = async (h: Harness, products: readonly string[]): Promise<Map<string, number>> => {
  const placed = new Map<string, number>();
  const viewer = { customerId: CUSTOMER.sub, isAdmin: false };
  let next = 0;
  const worker = async () => {
    while (next < ORDERS) {
      const n = next++;
      const first = products[n % products.length]!;
      const second = products[(n + 3) % products.length]!;
      const items =
        n % 3 === 0
          ? [
              { productId: first, quantity: 1 },
              { productId: second, quantity: 2 },
            ]
          : [{ productId: first, quantity: 1 + (n % 2) }];
      const order = await h.service.placeOrder({ items, shippingAddress: address }, viewer, `place-${n}`);
      const cancelled = n % 10 === 0;
      if (cancelled) await h.service.cancelOrder(order.id, viewer, `cancel-${n}`);
      placed.set(order.id, items.length * (cancelled ? 2 : 1));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return placed;
};

/** The outbox rows of the orders, in seq order, numbered per product (what `expectDelivered` checks). */
const outboxEvents = async (db: Kysely<Database>): Promise<Array<TestEvent & { orderId: string }>> => {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'partition_key', 'type', 'payload'])
    .orderBy('seq')
    .execute();
  const perProduct = new Map<string, number>();
  return rows.map((row) => {
    expect(row.type).toBe('StockChanged');
    const n = perProduct.get(row.partition_key) ?? 0;
    perProduct.set(row.partition_key, n + 1);
    return {
      id: row.id,
      productId: row.partition_key,
      n,
      orderId: (row.payload as { orderId: string }).orderId,
    };
  });
};

/** The records of these events only: the project's stream also holds earlier tests' records. */
const recordsOf = async (events: readonly TestEvent[]): Promise<StreamRecord[]> => {
  const ids = new Set(events.map((event) => event.id));
  return (await readStream(reader, streamName)).filter((record) => ids.has(record.event.id));
};

/** Each product's stream records chain: every event starts from the stock the previous one left. */
const expectStockChains = (records: readonly StreamRecord[], products: readonly string[]): void => {
  for (const productId of products) {
    const chain = records.filter((record) => record.event.productId === productId);
    chain.forEach((record, index) => {
      const previous = index === 0 ? STOCK : chain[index - 1]!.event.newStock;
      expect(record.event.previousStock, `product ${productId}, event ${index}`).toBe(previous);
    });
  }
};

/** The outbox holds exactly the events each order should have written, and nothing else. */
const expectEveryOrderHasItsEvents = (
  expected: ReadonlyMap<string, number>,
  events: ReadonlyArray<{ orderId: string }>,
): void => {
  expect(expected.size).toBe(ORDERS);
  const written = new Map<string, number>();
  for (const event of events) written.set(event.orderId, (written.get(event.orderId) ?? 0) + 1);
  expect(written).toEqual(expected);
};

describe('the outbox relay during 200 real orders', () => {
  it('loses nothing when Kinesis fails half its calls, and keeps each product in seq order', async () => {
    const h = harness!;
    const products = await Promise.all(
      Array.from({ length: PRODUCTS }, () => insertProduct(h.db, { stock: STOCK })),
    );
    const flaky = flakyPublisher(realPublisher());
    relay = relayWith(flaky.publisher);

    const orderIds = await placeOrders(h, products);
    await Promise.all(drains);
    relay = relayWith(realPublisher(), 10_000);
    const recovered = await trackedRelay().drain();

    expect(flaky.stats.thrown).toBeGreaterThan(0);
    expect(flaky.stats.refused).toBeGreaterThan(0);
    expect(recovered.outcome).toBe('drained');
    expect(await unpublishedCount(h.db)).toBe(0);
    const events = await outboxEvents(h.db);
    expectEveryOrderHasItsEvents(orderIds, events);
    const records = await recordsOf(events);
    expectDelivered(records, events, { duplicates: 'none' });
    expectStockChains(records, products);
  });

  it('delivers everything once Kinesis is back after being stopped during the orders', async () => {
    const h = harness!;
    const products = await Promise.all(
      Array.from({ length: PRODUCTS }, () => insertProduct(h.db, { stock: STOCK })),
    );
    // Port 1 on loopback: nothing listens, every connection is refused.
    const stoppedClient = createKinesisClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: LOCAL_CREDENTIALS,
    });
    relay = relayWith(createKinesisPublisher(stoppedClient, streamName));

    const orderIds = await placeOrders(h, products);
    const duringOutage = await Promise.all(drains);
    stoppedClient.destroy();

    expect(duringOutage.some((result) => result.outcome === 'gave-up')).toBe(true);
    expect(duringOutage.reduce((sum, result) => sum + result.published, 0)).toBe(0);
    const events = await outboxEvents(h.db);
    expectEveryOrderHasItsEvents(orderIds, events);
    expect(await unpublishedCount(h.db)).toBe(events.length);
    expect(await recordsOf(events)).toEqual([]);

    relay = relayWith(realPublisher(), 10_000);
    const afterRecovery = await trackedRelay().drain();

    expect(afterRecovery).toMatchObject({ outcome: 'drained', published: events.length });
    expect(await unpublishedCount(h.db)).toBe(0);
    const records = await recordsOf(events);
    expectDelivered(records, events, { duplicates: 'none' });
    expectStockChains(records, products);
  });
});
