// The local SQS leg between the SNS stand-in and a queue-triggered function: on AWS the notifier's
// queue is subscribed to `stock-alerts` and Lambda's SQS event source mapping invokes
// `sendStockAlerts`. No SQS stand-in runs here without Java or Docker, and serverless-offline 14
// has no sqs events, so this is a small in-process queue with SQS semantics plus the mapping:
// - an HTTP endpoint subscribed to the topic (raw message delivery) buffers each message;
// - batches of up to `batchSize` visible messages are invoked as a real-shaped SQSEvent through
//   serverless-offline's Lambda port, each receive hiding the message for `visibilityTimeoutMs`;
// - success deletes the batch; items in `batchItemFailures` (ReportBatchItemFailures), or the whole
//   batch on an invocation error or an unusable response, stay and come back once their visibility
//   timeout ends;
// - a message received `maxReceiveCount` times that comes back once more goes to the dead-letter
//   file instead (the redrive policy's dead-letter queue).
// Messages live in memory: like an SNS subscription whose queue is deleted, an alert buffered when
// start stops is gone (the alert itself stays in stock_alerts).
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { DeadLetterWriter } from '../lib/dead-letters';
import { batchItemFailures, type Invoke } from '../lib/lambda-invoke';
import { LOCAL_HOST } from '../lib/ports';
import { LOCAL_ACCOUNT_ID } from '../lib/sns-local';

export interface LocalQueueOptions {
  queueName: string;
  /** Port of the HTTP endpoint the SNS stand-in delivers to (0: any free port). */
  port: number;
  deadLetters: DeadLetterWriter;
  log: (message: string) => void;
  /** Messages per invocation (at most 10, SQS's limit for standard queues without a batching window). */
  batchSize?: number;
  /** How long a received message stays hidden. AWS's default is 30 s; locally a retry should come soon. */
  visibilityTimeoutMs?: number;
  /** The redrive policy: receives before a message goes to the dead-letter file. */
  maxReceiveCount?: number;
  region?: string;
  /**
   * Message attributes for a raw message. SNS copies the publisher's attributes onto the SQS
   * message; the stand-in's raw HTTP delivery carries only the body, so the caller may derive them.
   */
  attributesOf?: (body: string) => Record<string, string>;
  /** A one-line description of a new message for the developer's log (none: not logged). */
  describe?: (body: string) => string | undefined;
}

export interface ConsumerTarget {
  invoke: Invoke;
  functionName: string;
  /** Called after each invocation that succeeded at least in part (e.g. to log the mail it sent). */
  afterInvoke?: () => Promise<void>;
}

export interface LocalQueue {
  /** The endpoint to subscribe to the topic. */
  readonly url: string;
  readonly arn: string;
  /** Starts invoking the function; messages that arrived before wait for it. */
  startConsuming(target: ConsumerTarget): void;
  /** Messages held (waiting or in flight). */
  depth(): number;
  /** Stops invoking (after the invocation in flight); the endpoint keeps buffering. */
  stopConsuming(): Promise<void>;
  /** Stops invoking and closes the endpoint. */
  stop(): Promise<void>;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
  receiptHandle?: string;
}

const SENDER_ID = 'AIDALOCALSNSSTANDIN0000';

export async function startLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const {
    queueName,
    log,
    batchSize = 10,
    visibilityTimeoutMs = 2_000,
    maxReceiveCount = 5,
    region = 'us-east-1',
  } = options;
  if (batchSize < 1 || batchSize > 10) throw new Error(`batchSize must be 1..10, got ${batchSize}`);
  const arn = `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${queueName}`;
  const messages: Message[] = [];
  const stopping = new AbortController();
  let wake: (() => void) | undefined;
  const notify = () => wake?.();

  const enqueue = (body: string, attributes: Record<string, string>) => {
    messages.push({
      messageId: randomUUID(),
      body,
      attributes,
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: Date.now(),
    });
    const line = options.describe?.(body);
    if (line) log(line);
    notify();
  };

  const server: Server = createServer((req, res) => {
    receive(req, res, (body, raw) => {
      if (raw) {
        enqueue(body, options.attributesOf?.(body) ?? {});
        return;
      }
      // Without raw delivery SNS posts its JSON envelope; a queue gets the Message and attributes.
      const envelope = JSON.parse(body) as {
        Type?: string;
        Message?: string;
        MessageAttributes?: Record<string, { Type?: string; Value?: string }>;
      };
      if (envelope.Type !== 'Notification' || typeof envelope.Message !== 'string') return;
      const attributes = Object.fromEntries(
        Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, String(value.Value)]),
      );
      enqueue(envelope.Message, attributes);
    });
  });
  server.listen(options.port, LOCAL_HOST);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${LOCAL_HOST}:${port}/${queueName}`;

  const toRecord = (message: Message): SQSRecord => ({
    messageId: message.messageId,
    receiptHandle: message.receiptHandle!,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: SENDER_ID,
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    },
    messageAttributes: sqsAttributes(message.attributes),
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    ...(Object.keys(message.attributes).length > 0
      ? { md5OfMessageAttributes: md5OfMessageAttributes(message.attributes) }
      : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  });

  const remove = (gone: ReadonlySet<Message>) => {
    for (let index = messages.length - 1; index >= 0; index -= 1) {
      if (gone.has(messages[index]!)) messages.splice(index, 1);
    }
  };

  /** Moves every visible message that has used up its receives to the dead-letter file. */
  const redrive = async (now: number) => {
    const exhausted = messages.filter((m) => m.visibleAt <= now && m.receiveCount >= maxReceiveCount);
    if (exhausted.length === 0) return;
    remove(new Set(exhausted));
    for (const message of exhausted) {
      await options.deadLetters({
        source: 'sqs',
        queueArn: arn,
        messageId: message.messageId,
        receiveCount: message.receiveCount,
        body: message.body,
        messageAttributes: message.attributes,
      });
    }
    log(
      `${queueName}: ${exhausted.length} message(s) received ${maxReceiveCount} times: moved to the dead-letter file`,
    );
  };

  const consume = async (target: ConsumerTarget) => {
    while (!stopping.signal.aborted) {
      const now = Date.now();
      await redrive(now);
      const batch = messages.filter((m) => m.visibleAt <= now).slice(0, batchSize);
      if (batch.length === 0) {
        const next = Math.min(...messages.map((m) => m.visibleAt));
        await sleepUntilWoken(Number.isFinite(next) ? Math.max(next - now, 1) : 60_000);
        continue;
      }
      for (const message of batch) {
        message.receiveCount += 1;
        message.firstReceivedAt ??= now;
        message.visibleAt = now + visibilityTimeoutMs;
        message.receiptHandle = Buffer.from(`${message.messageId}:${randomUUID()}`).toString('base64');
      }
      const event: SQSEvent = { Records: batch.map(toRecord) };
      const result = await target.invoke(event);
      if (!result.ok) {
        log(
          `${target.functionName}: ${result.error}; ${batch.length} message(s) come back in ${visibilityTimeoutMs} ms`,
        );
        continue;
      }
      const failures = batchItemFailures(result.payload, new Set(batch.map((m) => m.messageId)));
      if (failures === 'all') {
        log(
          `${target.functionName}: the response fails the whole batch (${JSON.stringify(result.payload)}); ` +
            `${batch.length} message(s) come back in ${visibilityTimeoutMs} ms`,
        );
      } else {
        remove(new Set(batch.filter((m) => !failures.has(m.messageId))));
        if (failures.size > 0) {
          log(
            `${target.functionName}: ${failures.size} of ${batch.length} message(s) failed; they come back in ${visibilityTimeoutMs} ms`,
          );
        }
      }
      await target
        .afterInvoke?.()
        .catch((error: unknown) => log(`after ${target.functionName}: ${String(error)}`));
    }
  };

  const sleepUntilWoken = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  let consuming: Promise<void> | undefined;
  return {
    url,
    arn,
    startConsuming(target) {
      if (consuming) throw new Error(`${queueName} already has a consumer`);
      consuming = consume(target).catch((error: unknown) =>
        log(`${queueName} consumer stopped: ${String(error)}`),
      );
    },
    depth: () => messages.length,
    async stopConsuming() {
      stopping.abort();
      await consuming;
    },
    async stop() {
      stopping.abort();
      if (server.listening) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      await consuming;
    },
  };
}

/** Reads a POST body and answers 200 at once (SNS only cares that the endpoint took it). */
function receive(
  req: IncomingMessage,
  res: ServerResponse,
  onMessage: (body: string, raw: boolean) => void,
): void {
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      onMessage(body, req.headers['x-amz-sns-rawdelivery'] !== 'false');
      res.writeHead(200).end();
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
}

const sqsAttributes = (attributes: Record<string, string>): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' },
    ]),
  );

/** SQS's MD5OfMessageAttributes: name, type and value, each length-prefixed, names sorted. */
function md5OfMessageAttributes(attributes: Record<string, string>): string {
  const hash = createHash('md5');
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    field(name);
    field('String');
    hash.update(Buffer.from([1]));
    field(attributes[name]!);
  }
  return hash.digest('hex');
}
