// The local stock alert chain, wired by start: outbox -> kinesalite `stock-events` -> (local Kinesis
// mapping, stream-consumer.ts) -> inventory-stream `processStockEvents` -> SNS stand-in
// `stock-alerts` -> (local queue + SQS mapping, local-queue.ts) -> notifier `sendStockAlerts` ->
// aws-ses-v2-local. Prints a line per alert and per email so a developer can follow it.
import { join } from 'node:path';
import { deadLetterFile } from '../lib/dead-letters';
import { lambdaInvoker } from '../lib/lambda-invoke';
import { readSentEmails } from '../lib/ses-local';
import { subscribeHttp } from '../lib/sns-local';
import type { Supervisor } from '../lib/supervisor';
import { type LocalQueue, startLocalQueue } from './local-queue';
import { startStreamConsumer } from './stream-consumer';

export const STOCK_ALERTS_TOPIC = 'stock-alerts';
/** The notifier's queue on AWS is subscribed to the topic; locally its stand-in has this name. */
export const STOCK_ALERTS_QUEUE = 'shop-notifier-local-stock-alerts';
/** Folders start keeps in its data dir for the chain (see DATA_ENTRIES in start.ts). */
export const STREAM_STATE_DIR = 'stream-consumer';
export const DEAD_LETTERS_DIR = 'dead-letters';

export interface AlertQueueOptions {
  port: number;
  snsEndpoint: string;
  topicArn: string;
  dataDir: string;
  supervisor: Supervisor;
}

/**
 * The queue the topic delivers to, started before the services so no alert published while the
 * notifier starts is lost (it waits in the queue).
 */
export async function startAlertQueue(options: AlertQueueOptions): Promise<LocalQueue> {
  const { supervisor } = options;
  const queue = await startLocalQueue({
    queueName: STOCK_ALERTS_QUEUE,
    port: options.port,
    deadLetters: deadLetterFile(join(options.dataDir, DEAD_LETTERS_DIR, `${STOCK_ALERTS_QUEUE}.jsonl`)),
    log: (message) => supervisor.log('alerts', message),
    // Faster than on AWS (services/notifier/serverless.yml: visibility 370 s, 10 receives, a 5 s
    // batching window) so that a developer sees an email, a retry or a dead letter within seconds.
    visibilityTimeoutMs: 2_000,
    maxReceiveCount: 5,
    attributesOf,
    describe: describeAlert,
  });
  supervisor.defer('alerts-queue', queue.stop);
  await subscribeHttp(options.snsEndpoint, options.topicArn, queue.url);
  return queue;
}

export interface ChainOptions {
  queue: LocalQueue;
  kinesis: { endpoint: string; streamName: string };
  sesEndpoint: string;
  mailUrl: string;
  dataDir: string;
  supervisor: Supervisor;
  /** The running services' Lambda ports and the functions they consume with. */
  consumers: Array<{ lambdaUrl: string; eventSources?: { stockEvents?: string; stockAlerts?: string } }>;
}

/** Starts both event source mappings once the functions answer; each stops before the services do. */
export async function startStockAlertChain(options: ChainOptions): Promise<void> {
  const { supervisor } = options;
  const streamConsumer = options.consumers.find((service) => service.eventSources?.stockEvents);
  const alertConsumer = options.consumers.find((service) => service.eventSources?.stockAlerts);

  if (streamConsumer) {
    const functionName = streamConsumer.eventSources!.stockEvents!;
    const consumer = await startStreamConsumer({
      kinesisEndpoint: options.kinesis.endpoint,
      streamName: options.kinesis.streamName,
      invoke: lambdaInvoker({ lambdaUrl: streamConsumer.lambdaUrl, functionName }),
      functionName,
      stateDir: join(options.dataDir, STREAM_STATE_DIR),
      deadLetters: deadLetterFile(
        join(options.dataDir, DEAD_LETTERS_DIR, `${options.kinesis.streamName}.jsonl`),
      ),
      log: (message) => supervisor.log('stream', message),
      // As inventory-stream's serverless.yml says for AWS; the batch is smaller (Lambda's default)
      // because locally events come a few at a time.
      batchSize: 100,
      maxRetryAttempts: 5,
    });
    supervisor.defer('stream', consumer.stop);
  } else {
    supervisor.log('stream', `no service consumes ${options.kinesis.streamName}: stock alerts are OFF`);
  }

  if (alertConsumer) {
    const functionName = alertConsumer.eventSources!.stockAlerts!;
    const seen = new Set<string>();
    options.queue.startConsuming({
      invoke: lambdaInvoker({ lambdaUrl: alertConsumer.lambdaUrl, functionName }),
      functionName,
      // One line per email the notifier sent, read back from the SES stand-in.
      afterInvoke: async () => {
        for (const email of await readSentEmails(options.sesEndpoint)) {
          if (seen.has(email.messageId)) continue;
          seen.add(email.messageId);
          const to = [...email.destination.to, ...email.destination.cc, ...email.destination.bcc].join(', ');
          supervisor.log('mail', `to ${to}: "${email.subject}" (${options.mailUrl})`);
        }
      },
    });
    supervisor.defer('alerts-consumer', options.queue.stopConsuming);
  } else {
    supervisor.log(
      'alerts',
      `no service consumes ${STOCK_ALERTS_TOPIC}: alerts wait in ${STOCK_ALERTS_QUEUE}`,
    );
  }
}

/** SNS copies the `alertType` attribute onto the queue's message; raw HTTP delivery drops it, and it repeats `type`. */
function attributesOf(body: string): Record<string, string> {
  const type = parseAlert(body)?.type;
  return typeof type === 'string' ? { alertType: type } : {};
}

function describeAlert(body: string): string {
  const alert = parseAlert(body);
  if (!alert) return `message that is not an alert: ${body.slice(0, 200)}`;
  return `${alert.type} ${alert.sku} "${alert.name}": stock ${alert.stock} (threshold ${alert.threshold})`;
}

function parseAlert(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
