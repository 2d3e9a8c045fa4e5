// Outbox test helpers: StockChanged-shaped rows written straight into the outbox, a private
// kinesalite stream per test, and a reader that returns every record of it in shard order.
import { randomUUID } from 'node:crypto';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { Database } from '@shop/db';
import type { OutboxPublisher, PublishOutcome } from '@shop/outbox';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';
import { readStreamRecords } from '../../../../scripts/lib/kinesalite';

export const LOCAL_CREDENTIALS = { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' } as const;

export const localKinesis = (endpoint: string): KinesisClient =>
  new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });

export interface TestEvent {
  readonly id: string;
  readonly productId: string;
  /** Position of the event among its product's events (0, 1, 2, ...). */
  readonly n: number;
}

/** `count` events spread round-robin over `products` products, in the order they should be written. */
export const planEvents = (count: number, products: number): TestEvent[] => {
  const productIds = Array.from({ length: products }, () => randomUUID());
  const perProduct = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const productId = productIds[index % products]!;
    const n = perProduct.get(productId) ?? 0;
    perProduct.set(productId, n + 1);
    return { id: randomUUID(), productId, n };
  });
};

/** Commits one outbox row, shaped like the StockChanged events orders and catalog write. */
export const insertEvent = async (db: Kysely<Database>, event: TestEvent): Promise<void> => {
  const payload = {
    schemaVersion: 1,
    id: event.id,
    type: 'StockChanged',
    occurredAt: new Date().toISOString(),
    productId: event.productId,
    sku: `SKU-${event.productId.slice(0, 8)}`,
    previousStock: 1_000 - event.n,
    newStock: 999 - event.n,
    delta: -1,
    lowStockThreshold: 5,
    reason: 'order',
    orderId: randomUUID(),
    correlationId: `test-${event.n}`,
  };
  await db
    .insertInto('outbox')
    .values({
      id: event.id,
      partition_key: event.productId,
      type: 'StockChanged',
      payload: JSON.stringify(payload),
    })
    .execute();
};

/**
 * Writes `events` as concurrent writers would: one writer per product, each committing its
 * product's events in order (as row locks on the product force), all products at once.
 */
export const writeConcurrently = async (
  db: Kysely<Database>,
  events: readonly TestEvent[],
  afterCommit: () => Promise<unknown> = async () => undefined,
): Promise<void> => {
  const byProduct = new Map<string, TestEvent[]>();
  for (const event of events)
    byProduct.set(event.productId, [...(byProduct.get(event.productId) ?? []), event]);
  await Promise.all(
    [...byProduct.values()].map(async (productEvents) => {
      for (const event of productEvents) {
        await insertEvent(db, event);
        await afterCommit();
      }
    }),
  );
};

export const truncateOutbox = async (db: Kysely<Database>): Promise<void> => {
  await sql`truncate outbox`.execute(db);
};

export const unpublishedCount = async (db: Kysely<Database>): Promise<number> => {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
};

export const createStream = async (client: KinesisClient, shards = 2): Promise<string> => {
  const name = `test-outbox-${randomUUID()}`;
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return name;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
};

export const deleteStream = async (client: KinesisClient, name: string): Promise<void> => {
  await client.send(new DeleteStreamCommand({ StreamName: name })).catch(() => undefined);
};

export interface StreamRecord {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly event: { id: string; productId: string; previousStock: number; newStock: number; type: string };
}

/** Every record in the stream, shard by shard, each shard in its sequence order. */
export const readStream = async (client: KinesisClient, streamName: string): Promise<StreamRecord[]> =>
  (await readStreamRecords(client, streamName)).map(({ shardId, partitionKey, data }) => ({
    shardId,
    partitionKey,
    event: data as unknown as StreamRecord['event'],
  }));

/**
 * Asserts that every planned event is in the stream and that, per product, the first time each
 * event appears follows the order it was written in (duplicates allowed only with `duplicates`).
 */
export const expectDelivered = (
  records: readonly StreamRecord[],
  events: readonly TestEvent[],
  options: { duplicates: 'none' | 'allowed' },
): void => {
  const planned = new Map(events.map((event) => [event.id, event]));
  const seen = new Set<string>();
  const firstSeenOrder = new Map<string, number[]>();
  for (const record of records) {
    const event = planned.get(record.event.id);
    expect(event, `unexpected event ${record.event.id} in the stream`).toBeDefined();
    expect(record.partitionKey).toBe(record.event.productId);
    if (seen.has(record.event.id)) continue;
    seen.add(record.event.id);
    firstSeenOrder.set(event!.productId, [...(firstSeenOrder.get(event!.productId) ?? []), event!.n]);
  }
  const missing = events.filter((event) => !seen.has(event.id));
  expect(missing, 'events missing from the stream').toEqual([]);
  for (const [productId, order] of firstSeenOrder) {
    expect(order, `order of product ${productId}`).toEqual(order.map((_, index) => index));
  }
  if (options.duplicates === 'none') expect(records).toHaveLength(events.length);
};

export interface FlakyPublisher {
  readonly publisher: OutboxPublisher;
  /** Calls that threw before sending anything, and records refused as throttled (not stored). */
  readonly stats: { calls: number; thrown: number; refused: number };
}

/**
 * Kinesis failing half its calls: every other call throws before sending anything, and the calls
 * in between refuse every third record the way Kinesis does under throttling (not stored,
 * reported as rejected), passing the rest to `real`.
 */
export const flakyPublisher = (real: OutboxPublisher): FlakyPublisher => {
  const stats = { calls: 0, thrown: 0, refused: 0 };
  return {
    stats,
    publisher: {
      async publish(records): Promise<PublishOutcome> {
        stats.calls += 1;
        if (stats.calls % 2 === 1) {
          stats.thrown += 1;
          throw new Error('simulated Kinesis failure');
        }
        const refusedHere = records.filter((_, index) => index % 3 === 2);
        const outcome = await real.publish(records.filter((_, index) => index % 3 !== 2));
        stats.refused += refusedHere.length;
        return {
          accepted: outcome.accepted,
          rejected: [
            ...outcome.rejected,
            ...refusedHere.map((record) => ({
              id: record.id,
              code: 'ProvisionedThroughputExceededException',
              message: 'simulated',
            })),
          ],
        };
      },
    },
  };
};
