// The local Kinesis event source mapping: what Lambda's poller does on AWS for
// inventory-stream's `processStockEvents` (serverless-offline 14 has no stream events, and
// serverless-offline-kinesis replays from TRIM_HORIZON on every restart and hangs when the stream
// does not exist yet). Per shard, one batch at a time and in sequence order, like Lambda with
// ParallelizationFactor 1:
// - reads up to `batchSize` records and invokes the function with a real-shaped KinesisStreamEvent
//   through serverless-offline's Lambda port;
// - honours partial batch responses (ReportBatchItemFailures): the checkpoint moves to just before
//   the lowest failed sequence number and the batch is retried from there; an invocation error,
//   or a response naming an unknown item, retries the whole batch;
// - retries `maxRetryAttempts` times with a doubling delay, then gives up like MaximumRetryAttempts
//   with an on-failure destination: the failed record (the whole batch when the invocation itself
//   failed) goes to a dead-letter file and the shard moves on;
// - checkpoints every shard in `<stateDir>/<stream>.checkpoints.json`.
//
// Starting position. kinesalite runs in memory (scripts/lib/kinesalite.ts): every `npm start`
// creates a new, empty `stock-events`, and every record in it was relayed from the outbox during
// this run and has never reached the function; rows an earlier run published are never relayed
// again. So the checkpoints belong to one incarnation of the stream (its ARN and creation time):
// - same incarnation (the consumer restarted while kinesalite kept running, or a kinesalite that
//   keeps its data): resume AFTER_SEQUENCE_NUMBER of each shard's checkpoint; nothing is resent;
// - new incarnation: TRIM_HORIZON, which here means "everything written since this run began"
//   (the sweeper starts before the services, so records relayed meanwhile must not be skipped, as
//   LATEST would). It is never a blind replay of a stream already consumed.
// Mail is not resent either way; inventory-stream also dedupes on the event id (stock_ledger).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { DeadLetterWriter } from '../lib/dead-letters';
import { localKinesisClient } from '../lib/kinesalite';
import { batchItemFailures, type Invoke, pause } from '../lib/lambda-invoke';
import { LOCAL_ACCOUNT_ID } from '../lib/sns-local';

export interface StreamConsumerOptions {
  kinesisEndpoint: string;
  streamName: string;
  /** Invokes the consuming function (scripts/lib/lambda-invoke.ts). */
  invoke: Invoke;
  /** Named in logs and dead letters. */
  functionName: string;
  /** Where the checkpoints live (kept across restarts). */
  stateDir: string;
  deadLetters: DeadLetterWriter;
  log: (message: string) => void;
  /** Records per invocation (Lambda's default for Kinesis is 100). */
  batchSize?: number;
  /** Wait between polls of an idle shard. Lambda polls once a second; locally faster is cheap. */
  pollIntervalMs?: number;
  maxRetryAttempts?: number;
  /** Delay before the first retry, doubled for each next one. */
  retryDelayMs?: number;
  region?: string;
}

export interface StreamConsumer {
  stop(): Promise<void>;
}

interface Checkpoints {
  streamArn: string;
  streamCreatedAt: string;
  shards: Record<string, string>;
}

const SHARD_REFRESH_MS = 5_000;

export async function startStreamConsumer(options: StreamConsumerOptions): Promise<StreamConsumer> {
  const {
    streamName,
    invoke,
    functionName,
    log,
    batchSize = 100,
    pollIntervalMs = 200,
    maxRetryAttempts = 3,
    retryDelayMs = 250,
    region = 'us-east-1',
  } = options;
  const client = localKinesisClient(options.kinesisEndpoint);
  const stop = new AbortController();
  const { signal } = stop;
  mkdirSync(options.stateDir, { recursive: true });
  const checkpointFile = join(options.stateDir, `${streamName}.checkpoints.json`);

  const stream = await describeStream(client, streamName, signal, log);
  const saved = await readCheckpoints(checkpointFile);
  const sameStream =
    saved?.streamArn === stream.arn && saved.streamCreatedAt === stream.createdAt.toISOString();
  const checkpoints: Checkpoints = {
    streamArn: stream.arn,
    streamCreatedAt: stream.createdAt.toISOString(),
    shards: sameStream ? { ...saved.shards } : {},
  };
  log(
    sameStream
      ? `${streamName}: resuming after the checkpoints in ${checkpointFile}`
      : `${streamName}: new stream (kinesalite keeps nothing across runs): reading each shard from its start`,
  );
  const save = () => {
    // Written whole and renamed: a crash mid-write never leaves a torn file.
    writeFileSync(`${checkpointFile}.tmp`, `${JSON.stringify(checkpoints, null, 2)}\n`);
    renameSync(`${checkpointFile}.tmp`, checkpointFile);
  };
  const checkpoint = (shardId: string, sequenceNumber: string) => {
    checkpoints.shards[shardId] = sequenceNumber;
    save();
  };
  // The old incarnation's checkpoints mean nothing for this stream.
  if (!sameStream) save();

  const toEvent = (shardId: string, records: KinesisRecord[]): KinesisStreamEvent => ({
    Records: records.map(
      (record): KinesisStreamRecord => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.PartitionKey!,
          sequenceNumber: record.SequenceNumber!,
          data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
          approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${record.SequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/local-event-source-mapping`,
        awsRegion: region,
        eventSourceARN: stream.arn,
      }),
    ),
  });

  const deadLetter = async (shardId: string, records: KinesisRecord[], reason: string, attempts: number) => {
    for (const record of records) {
      await options.deadLetters({
        source: 'kinesis',
        functionName,
        streamArn: stream.arn,
        shardId,
        sequenceNumber: record.SequenceNumber,
        partitionKey: record.PartitionKey,
        data: Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'),
        attempts,
        reason,
      });
    }
    log(
      `${functionName}: gave up on ${records.length} record(s) of ${shardId} after ${attempts} attempt(s) ` +
        `(${reason}); written to the dead-letter file`,
    );
  };

  /** Delivers one GetRecords page; returns once every record is processed or dead-lettered (or on stop). */
  const deliver = async (shardId: string, records: KinesisRecord[]): Promise<void> => {
    let pending = records;
    let attempts = 0;
    while (pending.length > 0 && !signal.aborted) {
      const result = await invoke(toEvent(shardId, pending));
      attempts += 1;
      let reason: string;
      let wholeBatch = false;
      if (!result.ok) {
        reason = result.error;
        wholeBatch = true;
      } else {
        const sequences = pending.map((record) => record.SequenceNumber!);
        const failures = batchItemFailures(result.payload, new Set(sequences));
        if (failures === 'all') {
          reason = `the response fails the whole batch: ${JSON.stringify(result.payload)}`;
          wholeBatch = true;
        } else if (failures.size === 0) {
          checkpoint(shardId, sequences.at(-1)!);
          log(`${functionName}: ${pending.length} record(s) of ${shardId} processed`);
          return;
        } else {
          // Like Lambda: the lowest failed sequence number is the new starting point.
          const lowest = [...failures].reduce((a, b) => (BigInt(a) <= BigInt(b) ? a : b));
          const index = sequences.indexOf(lowest);
          if (index > 0) {
            checkpoint(shardId, sequences[index - 1]!);
            pending = pending.slice(index);
            // Progress was made: the new head has failed once so far.
            attempts = 1;
          }
          reason = `batchItemFailures from ${lowest}`;
        }
      }
      if (attempts > maxRetryAttempts) {
        const given = wholeBatch ? pending : pending.slice(0, 1);
        await deadLetter(shardId, given, reason, attempts);
        checkpoint(shardId, given.at(-1)!.SequenceNumber!);
        pending = pending.slice(given.length);
        attempts = 0;
        continue;
      }
      const delay = retryDelayMs * 2 ** (attempts - 1);
      log(
        `${functionName}: ${shardId} failed (${reason}); retry ${attempts}/${maxRetryAttempts} in ${delay} ms`,
      );
      await pause(delay, signal);
    }
  };

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const after = checkpoints.shards[shardId];
    const type: ShardIteratorType = after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON';
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(after ? { StartingSequenceNumber: after } : {}),
      }),
      { abortSignal: signal },
    );
    return ShardIterator;
  };

  const consumeShard = async (shardId: string): Promise<void> => {
    let iterator: string | undefined;
    while (!signal.aborted) {
      try {
        iterator ??= await iteratorFor(shardId);
        // A closed shard (after resharding) ends with no next iterator.
        if (!iterator) return;
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }), {
          abortSignal: signal,
        });
        const records = page.Records ?? [];
        if (records.length > 0) await deliver(shardId, records);
        if (signal.aborted) return;
        iterator = page.NextShardIterator;
        if (!iterator) return;
        if (records.length === 0) await pause(pollIntervalMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        // An expired iterator (or any hiccup of kinesalite) restarts from the checkpoint.
        iterator = undefined;
        log(
          `${streamName} ${shardId}: ${(error as Error).name}: ${(error as Error).message}; re-reading from the checkpoint`,
        );
        await pause(1_000, signal);
      }
    }
  };

  const consumers = new Map<string, Promise<void>>();
  const refreshShards = async () => {
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }), {
      abortSignal: signal,
    });
    for (const shard of Shards) {
      const shardId = shard.ShardId!;
      if (!consumers.has(shardId)) consumers.set(shardId, consumeShard(shardId));
    }
  };
  await refreshShards();
  const discovery = (async () => {
    while (!signal.aborted) {
      await pause(SHARD_REFRESH_MS, signal);
      if (!signal.aborted) await refreshShards().catch(() => undefined);
    }
  })();
  log(`${functionName} consumes ${streamName} (${consumers.size} shard(s), batches of up to ${batchSize})`);

  return {
    stop: async () => {
      stop.abort();
      await Promise.all([discovery, ...consumers.values()]);
      client.destroy();
    },
  };
}

async function describeStream(
  client: KinesisClient,
  streamName: string,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<{ arn: string; createdAt: Date }> {
  // Unlike serverless-offline-kinesis, a missing stream is said out loud (once), then waited for.
  let warned = false;
  for (;;) {
    try {
      const { StreamDescriptionSummary: summary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
        { abortSignal: signal },
      );
      return { arn: summary!.StreamARN!, createdAt: summary!.StreamCreationTimestamp! };
    } catch (error) {
      if (signal.aborted || (error as Error).name !== 'ResourceNotFoundException') throw error;
      if (!warned) log(`stream ${streamName} does not exist yet: waiting for it`);
      warned = true;
      await pause(1_000, signal);
    }
  }
}

async function readCheckpoints(file: string): Promise<Checkpoints | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Checkpoints>;
    if (typeof parsed.streamArn !== 'string' || typeof parsed.streamCreatedAt !== 'string') return undefined;
    return {
      streamArn: parsed.streamArn,
      streamCreatedAt: parsed.streamCreatedAt,
      shards: parsed.shards ?? {},
    };
  } catch {
    return undefined;
  }
}
