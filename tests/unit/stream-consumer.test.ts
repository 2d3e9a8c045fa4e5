// scripts/dev/stream-consumer.ts, the local Kinesis event source mapping, against kinesalite and a
// fake Lambda port: event shape, batching, partial batch responses, retries, dead letters and
// checkpoints across restarts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type StreamConsumer, startStreamConsumer } from '../../scripts/dev/stream-consumer';
import { deadLetterFile } from '../../scripts/lib/dead-letters';
import {
  deleteStream,
  ensureStream,
  localKinesisClient,
  startKinesalite,
} from '../../scripts/lib/kinesalite';
import { lambdaInvoker } from '../../scripts/lib/lambda-invoke';
import { findFreePort } from '../../scripts/lib/ports';
import { Supervisor } from '../../scripts/lib/supervisor';
import { type FakeLambda, startFakeLambda } from './fake-lambda';

const FUNCTION = 'shop-inventory-stream-local-processStockEvents';
const supervisor = new Supervisor();
let endpoint: string;
let lambda: FakeLambda;
let stateDir: string;
const consumers: StreamConsumer[] = [];
const logs: string[] = [];

beforeAll(async () => {
  ({ endpoint } = await startKinesalite({ port: await findFreePort(), supervisor }));
  lambda = await startFakeLambda(FUNCTION);
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  lambda.events.length = 0;
  lambda.handle(() => undefined);
});

afterAll(async () => {
  await lambda?.close();
  await supervisor.stopAll();
});

async function newStream(shards = 1): Promise<string> {
  const name = `test-${randomUUID().slice(0, 8)}`;
  await ensureStream(endpoint, name, shards);
  stateDir = mkdtempSync(join(tmpdir(), 'shop-stream-consumer-'));
  return name;
}

async function put(
  stream: string,
  data: Record<string, unknown>,
  partitionKey = 'product-1',
): Promise<string> {
  const client = localKinesisClient(endpoint);
  try {
    const { SequenceNumber } = await client.send(
      new PutRecordCommand({
        StreamName: stream,
        PartitionKey: partitionKey,
        Data: Buffer.from(JSON.stringify(data)),
      }),
    );
    return SequenceNumber!;
  } finally {
    client.destroy();
  }
}

async function consume(stream: string, overrides: { batchSize?: number; maxRetryAttempts?: number } = {}) {
  const consumer = await startStreamConsumer({
    kinesisEndpoint: endpoint,
    streamName: stream,
    invoke: lambdaInvoker({ lambdaUrl: lambda.url, functionName: FUNCTION }),
    functionName: FUNCTION,
    stateDir,
    deadLetters: deadLetterFile(join(stateDir, 'dead-letters.jsonl')),
    log: (message) => logs.push(message),
    pollIntervalMs: 20,
    retryDelayMs: 10,
    ...overrides,
  });
  consumers.push(consumer);
  return consumer;
}

const received = () => lambda.events as KinesisStreamEvent[];
const decoded = (event: KinesisStreamEvent) =>
  event.Records.map((record) => JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')).n);
const allDelivered = () => received().flatMap(decoded);
const deadLetters = () =>
  readFileSync(join(stateDir, 'dead-letters.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { sequenceNumber: string; data: string; reason: string });

describe('startStreamConsumer', () => {
  test('invokes the function with a real-shaped KinesisStreamEvent', async () => {
    const stream = await newStream();
    await consume(stream);

    const putAt = Date.now();
    const sequenceNumber = await put(stream, { n: 1 }, 'product-42');

    await expect.poll(() => received().length).toBe(1);
    const receivedAt = Date.now();
    const client = localKinesisClient(endpoint);
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: stream }),
    );
    client.destroy();
    const [record] = received()[0]!.Records;
    expect(record).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'product-42',
        sequenceNumber,
        data: Buffer.from(JSON.stringify({ n: 1 })).toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::/),
      awsRegion: 'us-east-1',
      eventSourceARN: StreamDescriptionSummary!.StreamARN,
    });
    // In seconds, as Lambda gives it, between the put and the delivery (kinesalite stamps the put
    // with Date.now() / 1000; a millisecond of slack for the float's round trip).
    expect(record!.kinesis.approximateArrivalTimestamp).toBeGreaterThanOrEqual((putAt - 1) / 1000);
    expect(record!.kinesis.approximateArrivalTimestamp).toBeLessThanOrEqual(receivedAt / 1000);
  });

  test('reads every shard and sends at most batchSize records per invocation, in order', async () => {
    const stream = await newStream(2);
    for (let n = 1; n <= 5; n += 1) await put(stream, { n }, 'same-product');
    await put(stream, { n: 100 }, 'another-product-key-0');
    await put(stream, { n: 101 }, 'another-product-key-1');
    await put(stream, { n: 102 }, 'another-product-key-2');

    await consume(stream, { batchSize: 2 });

    await expect.poll(() => allDelivered().length).toBe(8);
    expect(received().every((event) => event.Records.length <= 2)).toBe(true);
    expect(allDelivered().filter((n) => n <= 5)).toEqual([1, 2, 3, 4, 5]);
    expect(allDelivered().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 100, 101, 102]);
  });

  test('after a partial batch failure it retries from the lowest failed sequence number', async () => {
    const stream = await newStream();
    const sequences: string[] = [];
    for (let n = 1; n <= 4; n += 1) sequences.push(await put(stream, { n }));
    lambda.handle((_event, invocation) =>
      invocation === 1
        ? { batchItemFailures: [{ itemIdentifier: sequences[3] }, { itemIdentifier: sequences[2] }] }
        : { batchItemFailures: [] },
    );

    await consume(stream);

    await expect.poll(() => received().length).toBe(2);
    expect(decoded(received()[0]!)).toEqual([1, 2, 3, 4]);
    expect(decoded(received()[1]!)).toEqual([3, 4]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received()).toHaveLength(2);
  });

  test('an invocation error retries the whole batch, then dead-letters it and moves on', async () => {
    const stream = await newStream();
    await put(stream, { n: 1 });
    await put(stream, { n: 2 });
    lambda.handle((event) => {
      if (decoded(event as KinesisStreamEvent).includes(1)) throw new Error('boom');
      return undefined;
    });
    await consume(stream, { maxRetryAttempts: 2 });
    await expect.poll(() => received().length).toBe(3);

    await put(stream, { n: 3 });

    await expect.poll(() => allDelivered().at(-1)).toBe(3);
    expect(received().map(decoded)).toEqual([[1, 2], [1, 2], [1, 2], [3]]);
    expect(deadLetters().map((letter) => JSON.parse(letter.data).n)).toEqual([1, 2]);
    expect(deadLetters()[0]!.reason).toContain('boom');
  });

  test('a record that keeps failing alone is dead-lettered alone; the rest is delivered', async () => {
    const stream = await newStream();
    const sequences: string[] = [];
    for (let n = 1; n <= 3; n += 1) sequences.push(await put(stream, { n }));
    lambda.handle((event) => {
      const records = (event as KinesisStreamEvent).Records;
      const bad = records.find((record) => record.kinesis.sequenceNumber === sequences[1]);
      return { batchItemFailures: bad ? [{ itemIdentifier: bad.kinesis.sequenceNumber }] : [] };
    });

    await consume(stream, { maxRetryAttempts: 1 });

    await expect.poll(() => received().map(decoded)).toEqual([[1, 2, 3], [2, 3], [3]]);
    expect(deadLetters().map((letter) => letter.sequenceNumber)).toEqual([sequences[1]]);
  });

  test('a restarted consumer resumes after its checkpoints: nothing is delivered twice', async () => {
    const stream = await newStream(2);
    await put(stream, { n: 1 }, 'a');
    await put(stream, { n: 2 }, 'b-other-key');
    const first = await consume(stream);
    await expect.poll(() => allDelivered().length).toBe(2);
    await first.stop();
    consumers.splice(consumers.indexOf(first), 1);

    await put(stream, { n: 3 }, 'a');
    logs.length = 0;
    await consume(stream);
    expect(logs.some((line) => line.includes('resuming'))).toBe(true);

    await expect.poll(() => allDelivered().length).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(allDelivered().sort()).toEqual([1, 2, 3]);
  });

  test('a new stream of the same name (a new kinesalite run) is read from its start despite old checkpoints', async () => {
    const stream = await newStream();
    await put(stream, { n: 1 });
    const first = await consume(stream);
    await expect.poll(() => allDelivered()).toEqual([1]);
    await first.stop();
    consumers.splice(consumers.indexOf(first), 1);
    await deleteStream(endpoint, stream);
    // Stream creation times have a resolution of one second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await ensureStream(endpoint, stream, 1);

    logs.length = 0;

    await put(stream, { n: 2 });
    await consume(stream);

    await expect.poll(() => allDelivered()).toEqual([1, 2]);
    // Its sequence numbers may well sort after the old checkpoint: the decision itself is checked.
    expect(logs.some((line) => line.includes('new stream'))).toBe(true);
    expect(logs.some((line) => line.includes('resuming'))).toBe(false);
  });

  afterAll(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });
});
