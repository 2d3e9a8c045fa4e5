import { BatchProcessor, type EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { logger, metrics } from './observability';

type BatchEvent = KinesisStreamEvent | SQSEvent;
type BatchResponse<E extends BatchEvent> = E extends KinesisStreamEvent
  ? KinesisStreamBatchResponse
  : SQSBatchResponse;

/** How a stream or queue function handles a batch. */
export interface BatchHandlerSpec<E extends BatchEvent> {
  /** `EventType.KinesisDataStreams` or `EventType.SQS`, from `@aws-lambda-powertools/batch`. */
  readonly eventType: typeof EventType.KinesisDataStreams | typeof EventType.SQS;
  /** Records one after another (the default), or all at once. */
  readonly processInParallel?: boolean;
  /**
   * Called once per batch; may do batch-level work first (a whole batch in a few round trips), and
   * answers the handler of each record: it throws for a record that failed.
   */
  readonly prepare: (
    event: E,
    context: Context,
  ) =>
    | Promise<(record: E['Records'][number]) => Promise<void>>
    | ((record: E['Records'][number]) => Promise<void>);
}

/**
 * Builds a Lambda handler for a Kinesis or SQS batch, as `createHttpHandler` does for HTTP:
 * logger context and a cold-start metric, the Powertools batch processor (a fresh one per batch)
 * answering a partial batch response, and the stored metrics published whatever happens. A batch
 * whose every record failed throws (the processor's FullBatchFailureError): Lambda then retries or
 * bisects it and counts an error.
 */
export const createBatchHandler =
  <E extends BatchEvent>(spec: BatchHandlerSpec<E>) =>
  async (event: E, context: Context): Promise<BatchResponse<E>> => {
    logger.addContext(context);
    metrics.captureColdStartMetric();
    try {
      const handleRecord = await spec.prepare(event, context);
      return (await processPartialResponse(event, handleRecord as never, new BatchProcessor(spec.eventType), {
        context,
        processInParallel: spec.processInParallel ?? false,
      })) as BatchResponse<E>;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
