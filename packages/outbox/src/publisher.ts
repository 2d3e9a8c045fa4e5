// Kinesis adapter of the outbox relay: one PutRecords call per batch, partition key = product id.
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { OutboxRecord } from './batch';

export interface RejectedRecord {
  readonly id: string;
  /** Kinesis' per-record ErrorCode, e.g. `ProvisionedThroughputExceededException`. */
  readonly code: string;
  readonly message: string | undefined;
}

export interface PublishOutcome {
  /** Ids of the records the stream stored. */
  readonly accepted: string[];
  /** Records the stream refused this time; they are sent again later. */
  readonly rejected: RejectedRecord[];
}

/**
 * Where outbox events go. `publish` resolves with the fate of each record, or throws when the
 * call as a whole failed (then nothing may be assumed stored, and everything is sent again).
 */
export interface OutboxPublisher {
  publish(records: readonly OutboxRecord[]): Promise<PublishOutcome>;
}

export interface KinesisClientOptions {
  readonly region: string;
  /** Only set locally (kinesalite); on AWS the SDK finds Kinesis itself. */
  readonly endpoint?: string | undefined;
  /** For local stand-ins only; on AWS the function role's credentials are used. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * A Kinesis client for the relay. The HTTP/1.1 handler is what kinesalite understands (the
 * default HTTP/2 one fails with "Protocol error"), and it is all PutRecords needs on AWS too.
 * Short timeouts and a single SDK retry: the relay retries on its own, with its own budget.
 */
export const createKinesisClient = (options: KinesisClientOptions): KinesisClient =>
  new KinesisClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }),
  });

export const createKinesisPublisher = (client: KinesisClient, streamName: string): OutboxPublisher => ({
  async publish(records) {
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: records.map((record) => ({
          PartitionKey: record.partitionKey,
          Data: Buffer.from(record.data),
        })),
      }),
    );
    // Kinesis answers with one entry per request record, in request order.
    const results = output.Records ?? [];
    if (results.length !== records.length) {
      throw new Error(`PutRecords answered ${results.length} results for ${records.length} records`);
    }
    const accepted: string[] = [];
    const rejected: RejectedRecord[] = [];
    records.forEach((record, index) => {
      const result = results[index];
      if (result?.ErrorCode || !result?.SequenceNumber) {
        rejected.push({ id: record.id, code: result?.ErrorCode ?? 'Unknown', message: result?.ErrorMessage });
      } else {
        accepted.push(record.id);
      }
    });
    return { accepted, rejected };
  },
});
