// Kinesis `stock-events` (api.md, StockChanged): records each event in the stock ledger, publishes
// the alerts it raises to SNS `stock-alerts` and invalidates the products in the catalog cache.
// Reports partial batch failures: a poison record fails alone; a record whose alert SNS refused
// fails (Lambda resumes from it); when the database fails, every valid record fails.
import { EventType } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '@shop/lambda-kit';
import { createBatchHandler } from '@shop/lambda-kit/batch';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { stockEventsService } from '../dependencies';
import { parseStockRecord } from '../stock-changed.schema';
import type { ReceivedStockChange, StockEventsService } from '../stock-events.service';

/** A record that is not a valid StockChanged: it can never succeed. */
export class PoisonRecordError extends Error {
  constructor(sequenceNumber: string, problems: readonly string[]) {
    super(`Record ${sequenceNumber} is not a valid StockChanged event: ${problems.join('; ')}`);
    this.name = 'PoisonRecordError';
  }
}

export const processStockEventsHandler = (getService: () => StockEventsService = stockEventsService) =>
  createBatchHandler<KinesisStreamEvent>({
    eventType: EventType.KinesisDataStreams,
    prepare: async (event) => {
      const failures = new Map<string, Error>();
      const valid: ReceivedStockChange[] = [];
      for (const parsed of event.Records.map(parseStockRecord)) {
        if (parsed.ok) {
          valid.push({ sequenceNumber: parsed.sequenceNumber, event: parsed.event });
        } else {
          logger.error('poison record in stock-events: it fails alone', {
            sequenceNumber: parsed.sequenceNumber,
            problems: parsed.problems,
          });
          metrics.addMetric('PoisonRecords', MetricUnit.Count, 1);
          failures.set(parsed.sequenceNumber, new PoisonRecordError(parsed.sequenceNumber, parsed.problems));
        }
      }
      // The valid records are processed together (a constant number of database round trips per
      // batch), so each record's handler only reports its outcome.
      const outcome = await getService().processStockChanges(valid);
      for (const [sequenceNumber, error] of outcome.failed) failures.set(sequenceNumber, error);
      return async (record: KinesisStreamRecord): Promise<void> => {
        const failure = failures.get(record.kinesis.sequenceNumber);
        if (failure) throw failure;
      };
    },
  });

export const handler = processStockEventsHandler();
