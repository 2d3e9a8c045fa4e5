// The handler's wiring, with a fake service: edge validation, what reaches the service, and the
// partial batch response.
import { logger } from '@shop/lambda-kit';
import { lambdaContext } from '@shop/lambda-kit/testing';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PoisonRecordError, processStockEventsHandler } from '../../src/handlers/process-stock-events';
import type { BatchOutcome, ReceivedStockChange, StockEventsService } from '../../src/stock-events.service';
import { kinesisEvent, kinesisRecord, stockChanged } from '../support/kinesis-events';
import kinesisEventFixture from './fixtures/kinesis-stock-events.json';

const context = lambdaContext('shop-inventory-stream-test-processStockEvents');

const fakeService = (
  decide: (changes: readonly ReceivedStockChange[]) => BatchOutcome['failed'] = () => new Map(),
) => {
  const calls: ReceivedStockChange[][] = [];
  const service: StockEventsService = {
    async processStockChanges(changes) {
      calls.push([...changes]);
      return { failed: decide(changes), published: 0 };
    },
  };
  return { service, calls };
};

beforeEach(() => {
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the processStockEvents handler', () => {
  it('hands the valid records to the service in stream order and fails the poison one alone', async () => {
    const { service, calls } = fakeService();
    const event = kinesisEventFixture as KinesisStreamEvent;
    const [valid, poison, second] = event.Records;

    const response = await processStockEventsHandler(() => service)(event, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison!.kinesis.sequenceNumber }] });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.map((c) => c.sequenceNumber)).toEqual([
      valid!.kinesis.sequenceNumber,
      second!.kinesis.sequenceNumber,
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      'poison record in stock-events: it fails alone',
      expect.objectContaining({ sequenceNumber: poison!.kinesis.sequenceNumber }),
    );
  });

  it('reports the records the service failed, by sequence number', async () => {
    const records = [
      kinesisRecord(stockChanged({ previousStock: 1, newStock: 0 })),
      kinesisRecord(stockChanged({ previousStock: 5, newStock: 6 })),
      kinesisRecord(stockChanged({ previousStock: 0, newStock: 6 })),
    ];
    const failing = [records[0]!.kinesis.sequenceNumber, records[2]!.kinesis.sequenceNumber];
    const { service } = fakeService(() => new Map(failing.map((s) => [s, new Error('SNS said no')])));

    const response = await processStockEventsHandler(() => service)(kinesisEvent(records), context);

    expect(response).toEqual({ batchItemFailures: failing.map((itemIdentifier) => ({ itemIdentifier })) });
  });

  it('throws when every record failed, so that Lambda bisects the batch', async () => {
    const records = [
      kinesisRecord('nope', { raw: true }),
      kinesisRecord(stockChanged({ previousStock: 1, newStock: 0 })),
    ];
    const { service } = fakeService(
      (changes) => new Map(changes.map((c) => [c.sequenceNumber, new Error('down')])),
    );

    await expect(
      processStockEventsHandler(() => service)(kinesisEvent(records), context),
    ).rejects.toMatchObject({
      name: 'FullBatchFailureError',
      recordErrors: [expect.any(PoisonRecordError), expect.objectContaining({ message: 'down' })],
    });
  });

  it('answers an empty failure list for a batch that succeeded', async () => {
    const { service } = fakeService();
    const event = kinesisEvent([kinesisRecord(stockChanged({ previousStock: 9, newStock: 8 }))]);

    expect(await processStockEventsHandler(() => service)(event, context)).toEqual({ batchItemFailures: [] });
  });
});
