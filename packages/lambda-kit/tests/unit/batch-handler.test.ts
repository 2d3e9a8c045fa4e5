import { EventType, FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createBatchHandler } from '../../src/batch-handler';
import { metrics } from '../../src/observability';
import { lambdaContext } from '../../src/testing';

const sqsEvent = (ids: string[]): SQSEvent => ({
  Records: ids.map((id) => ({ messageId: id, body: id, eventSource: 'aws:sqs' }) as SQSRecord),
});

describe('createBatchHandler', () => {
  it('reports only the records that failed, after the batch-level work ran once', async () => {
    const prepared = vi.fn();
    const handler = createBatchHandler<SQSEvent>({
      eventType: EventType.SQS,
      prepare: async (event) => {
        prepared(event.Records.length);
        return async (record) => {
          if (record.body === 'bad') throw new Error('poison');
        };
      },
    });

    const response = await handler(sqsEvent(['a', 'bad', 'c']), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(prepared).toHaveBeenCalledOnce();
    expect(prepared).toHaveBeenCalledWith(3);
  });

  it('throws when every record failed, so Lambda retries the batch, and still publishes metrics', async () => {
    const publish = vi.spyOn(metrics, 'publishStoredMetrics');
    const handler = createBatchHandler<SQSEvent>({
      eventType: EventType.SQS,
      prepare: () => async () => {
        throw new Error('down');
      },
    });

    await expect(handler(sqsEvent(['a', 'b']), lambdaContext())).rejects.toBeInstanceOf(
      FullBatchFailureError,
    );
    expect(publish).toHaveBeenCalled();
  });

  it('processes records one after another unless told otherwise', async () => {
    const order: string[] = [];
    const handler = createBatchHandler<SQSEvent>({
      eventType: EventType.SQS,
      prepare: () => async (record) => {
        order.push(`start ${record.body}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${record.body}`);
      },
    });

    await handler(sqsEvent(['a', 'b']), lambdaContext());

    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});
