// Kinesis stand-in: kinesalite, in-process and in memory (toolchain.md). Streams start empty on
// every run; the outbox in PostgreSQL is what is durable.
import { once } from 'node:events';
import type { Server } from 'node:http';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';
import { LOCAL_HOST } from './ports';
import type { Supervisor } from './supervisor';
import { waitUntil } from './wait';

export const STOCK_EVENTS_STREAM = 'stock-events';
export const STOCK_EVENTS_SHARDS = 2;

export interface KinesisServer {
  endpoint: string;
}

export interface StartKinesaliteOptions {
  port: number;
  supervisor: Supervisor;
  /** Shards for all streams together; tests create a stream per project or per test. */
  shardLimit?: number;
}

/** Starts kinesalite on 127.0.0.1:`port`; streams are created with {@link ensureStream}. */
export async function startKinesalite(options: StartKinesaliteOptions): Promise<KinesisServer> {
  const { port, supervisor } = options;
  // Streams are usable at once: waiting out AWS's CREATING state locally only slows start-up.
  const server: Server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? 100,
  });
  server.listen(port, LOCAL_HOST);
  await once(server, 'listening');
  supervisor.defer('kinesis', () => closeServer(server));
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  supervisor.log('kinesis', `kinesalite ready on ${endpoint}`);
  return { endpoint };
}

/** A client for kinesalite: it checks no signatures, but the SDK wants credentials to sign with. */
export function localKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
    // kinesalite speaks HTTP/1.1 only (the SDK's default HTTP/2 handler fails with "Protocol error").
    requestHandler: new NodeHttpHandler(),
  });
}

/** Creates `name` unless it exists, then waits until it is ACTIVE. */
export async function ensureStream(
  endpoint: string,
  name: string,
  shards = STOCK_EVENTS_SHARDS,
): Promise<void> {
  const client = localKinesisClient(endpoint);
  try {
    try {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    }
    await waitUntil(
      async () => {
        const { StreamDescriptionSummary } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName: name }),
        );
        return StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
      },
      { timeoutMs: 10_000, intervalMs: 50, what: `Kinesis stream ${name} to become ACTIVE` },
    );
  } finally {
    client.destroy();
  }
}

/** Deletes `name` if it exists (frees its shards on a shared kinesalite). */
export async function deleteStream(endpoint: string, name: string): Promise<void> {
  const client = localKinesisClient(endpoint);
  try {
    await client.send(new DeleteStreamCommand({ StreamName: name }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  } finally {
    client.destroy();
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keep-alive connections from SDK clients would hold close() open.
    server.closeAllConnections?.();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

export interface StreamRecord {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly data: Record<string, unknown>;
}

/** Every record of `streamName` so far: all shards from TRIM_HORIZON, each in its sequence order. */
export async function readStreamRecords(client: KinesisClient, streamName: string): Promise<StreamRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const records: StreamRecord[] = [];
  for (const shard of Shards) {
    const shardId = shard.ShardId!;
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records.push({
          shardId,
          partitionKey: record.PartitionKey!,
          data: JSON.parse(Buffer.from(record.Data!).toString('utf8')) as Record<string, unknown>,
        });
      }
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
