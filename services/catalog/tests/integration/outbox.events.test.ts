// Catalog writes StockChanged events to the shared outbox and kicks the relay after the commit, as
// orders does: an adjustment's event is in the stream (kinesalite) when the response leaves, and
// with Kinesis unreachable the adjustment still succeeds and its event waits in the outbox.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Database } from '@shop/db';
import { invoke } from '@shop/lambda-kit/testing';
import {
  createKinesisClient,
  createKinesisPublisher,
  createOutboxRelay,
  createRelayDb,
  kickOutboxRelay,
  type OutboxRelay,
  type RelayLogger,
} from '@shop/outbox';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { readStreamRecords } from '../../../../scripts/lib/kinesalite';
import { ADMIN, createHarness, type Harness, newProductBody, resetCatalog } from '../support/harness';

const CREDENTIALS = { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' } as const;
const quietLogger: RelayLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };

interface StreamEvent {
  readonly id: string;
  readonly type: string;
  readonly productId: string;
  readonly previousStock: number;
  readonly newStock: number;
  readonly reason: string;
}

/** Every record of the stream, all shards read from TRIM_HORIZON. */
const readStream = async (client: KinesisClient, streamName: string): Promise<StreamEvent[]> =>
  (await readStreamRecords(client, streamName)).map((record) => record.data as unknown as StreamEvent);

interface Wired {
  readonly harness: Harness;
  readonly relay: OutboxRelay;
  readonly relayDb: Kysely<Database>;
}

/** The catalog with its after-commit hook kicking a relay that publishes through `endpoint`. */
const wire = (endpoint: string, maxDrainMs: number): Wired => {
  const relayDb = createRelayDb({ url: inject('databaseUrl') }, () => undefined);
  const relay = createOutboxRelay({
    db: relayDb,
    publisher: createKinesisPublisher(
      createKinesisClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS }),
      inject('streamName'),
    ),
    logger: quietLogger,
    maxDrainMs,
    backoff: { initialMs: 5, maxMs: 50 },
  });
  // As in production (catalogServiceWithEvents): the default wait, never throwing.
  const harness = createHarness({ eventsCommitted: () => kickOutboxRelay(() => relay) });
  return { harness, relay, relayDb };
};

const adjust = (harness: Harness, productId: string, delta: number) =>
  invoke<{ productId: string; stock: number }>(harness.handlers.adjustStock, {
    method: 'POST',
    path: `/products/${productId}/stock-adjustments`,
    pathParameters: { id: productId },
    body: { delta, reason: 'restock', note: 'outbox test' },
    claims: ADMIN,
  });

const createProduct = async (harness: Harness, stock: number): Promise<string> => {
  const res = await invoke<{ id: string }>(harness.handlers.create, {
    method: 'POST',
    path: '/products',
    body: newProductBody({ stock }),
    claims: ADMIN,
  });
  expect(res.statusCode).toBe(201);
  return res.body.id;
};

const outboxRows = (db: Kysely<Database>, productId: string) =>
  db
    .selectFrom('outbox')
    .select(['id', 'published_at'])
    .where('partition_key', '=', productId)
    .orderBy('seq')
    .execute();

describe('catalog stock events with Kinesis up', () => {
  let wired: Wired;
  let reader: KinesisClient;

  beforeAll(() => {
    wired = wire(inject('kinesisEndpoint'), 10_000);
    reader = new KinesisClient({
      endpoint: inject('kinesisEndpoint'),
      region: 'us-east-1',
      credentials: CREDENTIALS,
      requestHandler: new NodeHttpHandler(),
    });
  });
  afterAll(async () => {
    await wired.relay.drain();
    reader.destroy();
    await wired.harness.close();
    await wired.relayDb.destroy();
  });
  beforeEach(() => resetCatalog(wired.harness));

  it('publishes the events of a product created with stock and of an adjustment before answering', async () => {
    const productId = await createProduct(wired.harness, 10);

    const res = await adjust(wired.harness, productId, 5);
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ productId, stock: 15 });

    // The kick waited for the drain: both rows are published and both events are in the stream.
    const rows = await outboxRows(wired.harness.db, productId);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.published_at).not.toBeNull();
    const events = (await readStream(reader, inject('streamName'))).filter((e) => e.productId === productId);
    expect(events.map((e) => e.id)).toEqual(rows.map((row) => row.id));
    expect(events.map((e) => [e.type, e.previousStock, e.newStock])).toEqual([
      ['StockChanged', 0, 10],
      ['StockChanged', 10, 15],
    ]);
  });

  it('writes no event for a product created without stock', async () => {
    const productId = await createProduct(wired.harness, 0);
    expect(await outboxRows(wired.harness.db, productId)).toEqual([]);
  });
});

describe('catalog stock events with Kinesis unreachable', () => {
  let wired: Wired;

  // Port 1 on loopback: nothing listens there, so every PutRecords is refused at once.
  beforeAll(() => {
    wired = wire('http://127.0.0.1:1', 500);
  });
  afterAll(async () => {
    await wired.relay.drain({ maxDurationMs: 0 });
    await wired.harness.close();
    await wired.relayDb.destroy();
  });
  beforeEach(() => resetCatalog(wired.harness));

  it('still applies the adjustment and answers 200; the event stays in the outbox', async () => {
    const productId = await createProduct(wired.harness, 3);

    const res = await adjust(wired.harness, productId, -2);
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ productId, stock: 1 });

    // Let the background drain give up, then check: nothing was published.
    await wired.relay.drain();
    const rows = await outboxRows(wired.harness.db, productId);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.published_at).toBeNull();
  });
});
