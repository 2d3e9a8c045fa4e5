// The outbox relay against real PostgreSQL and kinesalite: every committed event reaches the
// stream, each product's events in their order, through Kinesis failures, outages and crashes.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createDb, type Database } from '@shop/db';
import {
  createKinesisClient,
  createKinesisPublisher,
  createOutboxRelay,
  type DrainResult,
  kickOutboxRelay,
  type OutboxPublisher,
  type OutboxRecord,
  RELAY_LOCK_KEY,
  type RelayLogger,
} from '@shop/outbox';
import { type Kysely, type KyselyPlugin, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createStream,
  deleteStream,
  expectDelivered,
  flakyPublisher,
  insertEvent,
  LOCAL_CREDENTIALS,
  localKinesis,
  planEvents,
  readStream,
  truncateOutbox,
  unpublishedCount,
  writeConcurrently,
} from '../support/outbox.fixture';

const quietLogger: RelayLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const FAST_BACKOFF = { initialMs: 5, maxMs: 50 };

let db: Kysely<Database>;
let reader: KinesisClient;
let relayClient: KinesisClient;
let streamName: string;
const extraDbs: Kysely<Database>[] = [];

const realPublisher = (): OutboxPublisher => createKinesisPublisher(relayClient, streamName);

const relayWith = (
  publisher: OutboxPublisher,
  options: { maxDrainMs?: number; db?: Kysely<Database> } = {},
) =>
  createOutboxRelay({
    db: options.db ?? db,
    publisher,
    logger: quietLogger,
    backoff: FAST_BACKOFF,
    maxDrainMs: options.maxDrainMs ?? 10_000,
  });

/** A second pool, as a second Lambda container would have. */
const anotherDb = (): Kysely<Database> => {
  const other = createDb({ url: inject('databaseUrl') }, { max: 2 });
  extraDbs.push(other);
  return other;
};

beforeAll(() => {
  db = createDb({ url: inject('databaseUrl') }, { max: 8 });
  reader = localKinesis(inject('kinesisEndpoint'));
  relayClient = createKinesisClient({
    region: 'us-east-1',
    endpoint: inject('kinesisEndpoint'),
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  await Promise.all(extraDbs.map((other) => other.destroy()));
  await db.destroy();
  reader.destroy();
  relayClient.destroy();
});

beforeEach(async () => {
  await truncateOutbox(db);
  streamName = await createStream(reader);
});

afterEach(async () => {
  await deleteStream(reader, streamName);
});

describe('the outbox relay', () => {
  it('publishes 200 events of 20 products, each product in order, at most one per product per call', async () => {
    const events = planEvents(200, 20);
    for (const event of events) await insertEvent(db, event);
    const calls: OutboxRecord[][] = [];
    const real = realPublisher();
    const relay = relayWith({
      publish: (records) => {
        calls.push([...records]);
        return real.publish(records);
      },
    });

    const result = await relay.drain();

    expect(result).toMatchObject({ outcome: 'drained', published: 200, failedRounds: 0 });
    expectDelivered(await readStream(reader, streamName), events, { duplicates: 'none' });
    expect(await unpublishedCount(db)).toBe(0);
    for (const call of calls) {
      expect(new Set(call.map((record) => record.partitionKey)).size).toBe(call.length);
    }
    // 10 events per product, one per call: 10 calls.
    expect(calls).toHaveLength(10);
  });

  it('has a committed event in the stream once the kick that waits for its drain returns', async () => {
    const relay = relayWith(realPublisher());
    const [event] = planEvents(1, 1);
    await insertEvent(db, event!);

    // A bound far above any drain: the kick returns because the drain did, not because time ran out.
    await kickOutboxRelay(() => relay, 600_000);

    expect((await readStream(reader, streamName)).map((record) => record.event.id)).toEqual([event!.id]);
    expect(await unpublishedCount(db)).toBe(0);
  });

  it('loses nothing when Kinesis fails half its calls and refuses records during 200 writes', async () => {
    const events = planEvents(200, 20);
    const { publisher: flaky, stats } = flakyPublisher(realPublisher());
    const relay = relayWith(flaky, { maxDrainMs: 200 });

    await writeConcurrently(db, events, () => kickOutboxRelay(() => relay, 50));
    await relay.drain();
    const recovered = await relayWith(realPublisher()).drain();

    expect(stats.thrown).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
    expect(recovered.outcome).toBe('drained');
    expect(await unpublishedCount(db)).toBe(0);
    expectDelivered(await readStream(reader, streamName), events, { duplicates: 'none' });
  });

  it('marks nothing published while Kinesis is stopped, and delivers everything once it is back', async () => {
    const events = planEvents(200, 20);
    await writeConcurrently(db, events);
    // Port 1 on loopback: nothing listens, every connection is refused.
    const stoppedClient = createKinesisClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: LOCAL_CREDENTIALS,
    });
    const warnings: string[] = [];
    const stopped = createOutboxRelay({
      db,
      publisher: createKinesisPublisher(stoppedClient, streamName),
      logger: { ...quietLogger, warn: (message) => warnings.push(message) },
      backoff: FAST_BACKOFF,
      maxDrainMs: 300,
    });

    const duringOutage = await stopped.drain();
    stoppedClient.destroy();

    expect(duringOutage).toMatchObject({ outcome: 'gave-up', published: 0 });
    expect(warnings.some((message) => message.includes('gave up'))).toBe(true);
    expect(await unpublishedCount(db)).toBe(200);
    expect(await readStream(reader, streamName)).toEqual([]);

    const afterRecovery = await relayWith(realPublisher()).drain();

    expect(afterRecovery).toMatchObject({ outcome: 'drained', published: 200 });
    expectDelivered(await readStream(reader, streamName), events, { duplicates: 'none' });
  });

  it('ends a failing drain as soon as its signal aborts, leaving the events unpublished', async () => {
    await writeConcurrently(db, planEvents(10, 2));
    const stop = new AbortController();
    let publishCalls = 0;
    const failing: OutboxPublisher = {
      async publish() {
        publishCalls += 1;
        stop.abort();
        throw new Error('simulated Kinesis failure');
      },
    };
    // After the failure the relay pauses an hour before trying again: only the signal cutting that
    // pause short lets this drain end (otherwise the test's timeout fails it), with no second call.
    const relay = createOutboxRelay({
      db,
      publisher: failing,
      logger: quietLogger,
      backoff: { initialMs: 3_600_000, maxMs: 3_600_000 },
      maxDrainMs: 7_200_000,
    });

    const result = await relay.drain({ signal: stop.signal });

    expect(result).toMatchObject({ outcome: 'gave-up', published: 0, failedRounds: 1 });
    expect(publishCalls).toBe(1);
    expect(await unpublishedCount(db)).toBe(10);
  });

  it('sends again what a relay crashing between PutRecords and the update had sent, losing none', async () => {
    const events = planEvents(200, 20);
    await writeConcurrently(db, events);
    const real = realPublisher();
    let crashes = 0;
    const crashing: OutboxPublisher = {
      async publish(records) {
        await real.publish(records);
        if (crashes < 3) {
          crashes += 1;
          throw new Error('simulated crash after PutRecords');
        }
        return real.publish(records);
      },
    };

    await relayWith(crashing).drain();

    expect(crashes).toBe(3);
    expect(await unpublishedCount(db)).toBe(0);
    const records = await readStream(reader, streamName);
    expect(records.length).toBeGreaterThan(200);
    expectDelivered(records, events, { duplicates: 'allowed' });
  });

  it('keeps each product in order with two relays draining at once, never publishing concurrently', async () => {
    const events = planEvents(200, 20);
    const real = realPublisher();
    let inFlight = 0;
    let maxInFlight = 0;
    const observed: OutboxPublisher = {
      async publish(records) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return await real.publish(records);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const relays = [relayWith(observed), relayWith(observed, { db: anotherDb() })];
    let turn = 0;

    await writeConcurrently(db, events, () => {
      turn += 1;
      return relays[turn % 2]!.drain();
    });
    await Promise.all(relays.map((relay) => relay.drain()));
    await relays[0]!.drain();

    expect(maxInFlight).toBe(1);
    expect(await unpublishedCount(db)).toBe(0);
    expectDelivered(await readStream(reader, streamName), events, { duplicates: 'none' });
  });

  it('returns busy at once while another relay holds the lock', async () => {
    const [event] = planEvents(1, 1);
    await insertEvent(db, event!);
    const relay = relayWith(realPublisher());
    const holder = anotherDb();

    const whileHeld = await holder.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${RELAY_LOCK_KEY.toString()}::bigint)`.execute(trx);
      return relay.drain();
    });
    const afterwards = await relay.drain();

    expect(whileHeld.outcome).toBe('busy');
    expect(afterwards).toMatchObject({ outcome: 'drained', published: 1 });
  });

  it('publishes a row committed while the holder was sending: it goes round again', async () => {
    const [first, second] = planEvents(2, 2);
    await insertEvent(db, first!);
    const real = realPublisher();
    let enteredPublish!: () => void;
    const publishing = new Promise<void>((resolve) => {
      enteredPublish = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = relayWith({
      async publish(records) {
        enteredPublish();
        await released;
        return real.publish(records);
      },
    });
    const other = relayWith(realPublisher(), { db: anotherDb() });

    const holding = holder.drain();
    await publishing;
    await insertEvent(db, second!);
    const kicked = await other.drain();
    release();
    const held = await holding;

    expect(kicked.outcome).toBe('busy');
    expect(held).toMatchObject({ outcome: 'drained', published: 2 });
    expectDelivered(await readStream(reader, streamName), [first!, second!], { duplicates: 'none' });
  });

  it('publishes a row committed just after the holder found nothing: it looks again after releasing the lock', async () => {
    const [late] = planEvents(1, 1);
    const other = relayWith(realPublisher(), { db: anotherDb() });
    let kicked: DrainResult | undefined;
    let armed = true;
    // Between the holder's empty select and its COMMIT, another writer commits and kicks.
    const commitWhileHolding: KyselyPlugin = {
      transformQuery: (args) => args.node,
      async transformResult(args) {
        if (armed && args.result.rows.length === 0) {
          armed = false;
          await insertEvent(db, late!);
          kicked = await other.drain();
        }
        return args.result;
      },
    };
    const holder = relayWith(realPublisher(), { db: db.withPlugin(commitWhileHolding) });

    const held = await holder.drain();

    expect(kicked?.outcome).toBe('busy');
    expect(held).toMatchObject({ outcome: 'drained', published: 1 });
    expectDelivered(await readStream(reader, streamName), [late!], { duplicates: 'none' });
  });
});
