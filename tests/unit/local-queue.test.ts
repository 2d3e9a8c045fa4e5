// scripts/dev/local-queue.ts, the local SQS leg: messages from the SNS stand-in (raw delivery) reach
// a fake Lambda port as real-shaped SQSEvents; partial failures and invocation errors come back
// after the visibility timeout; a message received maxReceiveCount times goes to the dead letters.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type LocalQueue, startLocalQueue } from '../../scripts/dev/local-queue';
import { deadLetterFile } from '../../scripts/lib/dead-letters';
import { lambdaInvoker } from '../../scripts/lib/lambda-invoke';
import { findFreePort } from '../../scripts/lib/ports';
import { ensureTopic, localSnsClient, startSnsLocal, subscribeHttp } from '../../scripts/lib/sns-local';
import { Supervisor } from '../../scripts/lib/supervisor';
import { type FakeLambda, startFakeLambda } from './fake-lambda';

const FUNCTION = 'shop-notifier-local-sendStockAlerts';
const VISIBILITY_MS = 150;
const supervisor = new Supervisor();
const dir = mkdtempSync(join(tmpdir(), 'shop-local-queue-'));
const deadLetterPath = join(dir, 'dead-letters.jsonl');
let lambda: FakeLambda;
let queue: LocalQueue | undefined;

beforeAll(async () => {
  lambda = await startFakeLambda(FUNCTION);
});

afterEach(async () => {
  await queue?.stop();
  queue = undefined;
  lambda.events.length = 0;
  lambda.handle(() => undefined);
  rmSync(deadLetterPath, { force: true });
});

afterAll(async () => {
  await lambda?.close();
  await supervisor.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function newQueue(options: { consume?: boolean; maxReceiveCount?: number } = {}): Promise<LocalQueue> {
  queue = await startLocalQueue({
    queueName: 'shop-notifier-local-stock-alerts',
    port: 0,
    deadLetters: deadLetterFile(deadLetterPath),
    log: () => undefined,
    visibilityTimeoutMs: VISIBILITY_MS,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    attributesOf: (body) => ({ alertType: (JSON.parse(body) as { type: string }).type }),
  });
  if (options.consume ?? true) {
    queue.startConsuming({
      invoke: lambdaInvoker({ lambdaUrl: lambda.url, functionName: FUNCTION }),
      functionName: FUNCTION,
    });
  }
  return queue;
}

/** Posts as the SNS stand-in does with raw message delivery. */
async function deliver(target: LocalQueue, message: Record<string, unknown>): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-rawdelivery': 'true' },
    body: JSON.stringify(message),
  });
  expect(response.status).toBe(200);
}

const received = () => lambda.events as SQSEvent[];
const bodies = (event: SQSEvent) =>
  event.Records.map((record) => (JSON.parse(record.body) as { n: number }).n);

describe('startLocalQueue', () => {
  test('a message published to the SNS stand-in reaches the function as a real-shaped SQSEvent', async () => {
    const sns = await startSnsLocal({ port: await findFreePort(), supervisor });
    const topicArn = await ensureTopic(sns.endpoint, 'stock-alerts');
    const target = await newQueue();
    await subscribeHttp(sns.endpoint, topicArn, target.url);
    const alert = { schemaVersion: 1, id: 'a-1', type: 'LowStock', sku: 'MUG-1', stock: 2 };
    const client = localSnsClient(sns.endpoint);

    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(alert),
        MessageAttributes: { alertType: { DataType: 'String', StringValue: 'LowStock' } },
      }),
    );
    client.destroy();

    await expect.poll(() => received().length).toBe(1);
    const [record] = received()[0]!.Records;
    expect(record).toEqual({
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      receiptHandle: expect.any(String),
      body: JSON.stringify(alert),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        alertType: {
          stringValue: 'LowStock',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
      },
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:shop-notifier-local-stock-alerts',
      awsRegion: 'us-east-1',
    });
    expect(target.depth()).toBe(0);
  });

  test('buffers messages until a consumer starts, then invokes batches of at most 10', async () => {
    const target = await newQueue({ consume: false });
    for (let n = 1; n <= 12; n += 1) await deliver(target, { type: 'LowStock', n });
    expect(target.depth()).toBe(12);

    target.startConsuming({
      invoke: lambdaInvoker({ lambdaUrl: lambda.url, functionName: FUNCTION }),
      functionName: FUNCTION,
    });

    await expect
      .poll(() => received().map(bodies))
      .toEqual([
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [11, 12],
      ]);
    await expect.poll(() => target.depth()).toBe(0);
  });

  test('only the items in batchItemFailures come back, after the visibility timeout', async () => {
    const target = await newQueue({ consume: false });
    await deliver(target, { type: 'LowStock', n: 1 });
    await deliver(target, { type: 'BackInStock', n: 2 });
    const invokedAt: number[] = [];
    lambda.handle((event, invocation) => {
      invokedAt.push(Date.now());
      const second = (event as SQSEvent).Records.find((record) => record.body.includes('"n":2'));
      return invocation === 1 && second ? { batchItemFailures: [{ itemIdentifier: second.messageId }] } : {};
    });
    target.startConsuming({
      invoke: lambdaInvoker({ lambdaUrl: lambda.url, functionName: FUNCTION }),
      functionName: FUNCTION,
    });

    await expect.poll(() => received().length).toBe(2);
    expect(received().map(bodies)).toEqual([[1, 2], [2]]);
    const again = received()[1]!.Records[0]!;
    expect(again.messageId).toBe(received()[0]!.Records[1]!.messageId);
    expect(again.receiptHandle).not.toBe(received()[0]!.Records[1]!.receiptHandle);
    expect(again.attributes.ApproximateReceiveCount).toBe('2');
    expect(invokedAt[1]! - invokedAt[0]!).toBeGreaterThanOrEqual(VISIBILITY_MS - 10);
    await expect.poll(() => target.depth()).toBe(0);
  });

  test('an invocation error brings the whole batch back', async () => {
    const target = await newQueue({ consume: false });
    await deliver(target, { type: 'LowStock', n: 1 });
    await deliver(target, { type: 'LowStock', n: 2 });
    lambda.handle((_event, invocation) => {
      if (invocation === 1) throw new Error('SES is down');
      return undefined;
    });
    target.startConsuming({
      invoke: lambdaInvoker({ lambdaUrl: lambda.url, functionName: FUNCTION }),
      functionName: FUNCTION,
    });

    await expect
      .poll(() => received().map(bodies))
      .toEqual([
        [1, 2],
        [1, 2],
      ]);
    await expect.poll(() => target.depth()).toBe(0);
  });

  test('a message received maxReceiveCount times goes to the dead-letter file and is not delivered again', async () => {
    const target = await newQueue({ maxReceiveCount: 3 });
    lambda.handle((event) => ({
      batchItemFailures: (event as SQSEvent).Records.map((record) => ({ itemIdentifier: record.messageId })),
    }));

    await deliver(target, { type: 'OutOfStock', n: 7 });

    await expect.poll(() => existsSync(deadLetterPath), { timeout: 5_000 }).toBe(true);
    expect(received().map((event) => event.Records[0]!.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
    ]);
    const [letter] = readFileSync(deadLetterPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(letter).toMatchObject({
      source: 'sqs',
      receiveCount: 3,
      body: JSON.stringify({ type: 'OutOfStock', n: 7 }),
    });
    expect(target.depth()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, VISIBILITY_MS * 2));
    expect(received()).toHaveLength(3);
  });

  test('a function that does not exist is an invocation error: the message stays and is tried again', async () => {
    const logs: string[] = [];
    queue = await startLocalQueue({
      queueName: 'shop-notifier-local-stock-alerts',
      port: 0,
      deadLetters: deadLetterFile(deadLetterPath),
      log: (message) => logs.push(message),
      visibilityTimeoutMs: VISIBILITY_MS,
    });
    queue.startConsuming({
      invoke: lambdaInvoker({ lambdaUrl: lambda.url, functionName: 'shop-notifier-local-missing' }),
      functionName: 'shop-notifier-local-missing',
    });

    await deliver(queue, { type: 'LowStock', n: 1 });

    await expect
      .poll(() => logs.filter((line) => line.includes('404 ResourceNotFoundException')).length)
      .toBeGreaterThanOrEqual(2);
    expect(queue.depth()).toBe(1);
    expect(received()).toHaveLength(0);
  });
});
