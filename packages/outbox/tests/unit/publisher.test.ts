import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import type { OutboxRecord } from '../../src/batch';
import { createKinesisPublisher } from '../../src/publisher';

const records: OutboxRecord[] = [
  { id: 'e1', seq: '1', partitionKey: 'product-1', data: '{"id":"e1"}' },
  { id: 'e2', seq: '2', partitionKey: 'product-2', data: '{"id":"e2"}' },
  { id: 'e3', seq: '3', partitionKey: 'product-3', data: '{"id":"e3"}' },
];

const fakeClient = (answer: (command: PutRecordsCommand) => unknown) => {
  const sent: PutRecordsCommand[] = [];
  const client = {
    send: async (command: PutRecordsCommand) => {
      sent.push(command);
      return answer(command);
    },
  } as unknown as KinesisClient;
  return { client, sent };
};

describe('the Kinesis publisher', () => {
  it('sends one PutRecords with the partition key and the event JSON as data', async () => {
    const { client, sent } = fakeClient(() => ({
      FailedRecordCount: 0,
      Records: records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-0' })),
    }));

    const outcome = await createKinesisPublisher(client, 'stock-events').publish(records);

    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutRecordsCommand);
    expect(sent[0]!.input.StreamName).toBe('stock-events');
    expect(sent[0]!.input.Records?.map((r) => r.PartitionKey)).toEqual([
      'product-1',
      'product-2',
      'product-3',
    ]);
    expect(Buffer.from(sent[0]!.input.Records![1]!.Data!).toString()).toBe('{"id":"e2"}');
    expect(outcome).toEqual({ accepted: ['e1', 'e2', 'e3'], rejected: [] });
  });

  it('reports the records Kinesis refused, by their ErrorCode, as rejected', async () => {
    const { client } = fakeClient(() => ({
      FailedRecordCount: 1,
      Records: [
        { SequenceNumber: '1', ShardId: 'shardId-0' },
        { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' },
        { SequenceNumber: '3', ShardId: 'shardId-1' },
      ],
    }));

    const outcome = await createKinesisPublisher(client, 'stock-events').publish(records);

    expect(outcome).toEqual({
      accepted: ['e1', 'e3'],
      rejected: [{ id: 'e2', code: 'ProvisionedThroughputExceededException', message: 'slow down' }],
    });
  });

  it('throws when the answer does not account for every record', async () => {
    const { client } = fakeClient(() => ({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1' }] }));

    await expect(createKinesisPublisher(client, 'stock-events').publish(records)).rejects.toThrow(
      /1 results for 3/,
    );
  });

  it('lets a failed call throw, so nothing is marked published', async () => {
    const { client } = fakeClient(() => {
      throw new Error('connect ECONNREFUSED');
    });

    await expect(createKinesisPublisher(client, 'stock-events').publish(records)).rejects.toThrow(
      'ECONNREFUSED',
    );
  });
});
