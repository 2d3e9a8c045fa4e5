// SQS (StockAlertsQueue, subscribed to the SNS topic `stock-alerts` with raw message delivery):
// each record's body is one stock alert; its emails go out through SES. Records are processed
// one after another and failures are reported per record (`batchItemFailures`), so SQS retries
// only those, and a retry only sends to the recipients that did not get their email.
import { EventType } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '@shop/lambda-kit';
import { createBatchHandler } from '@shop/lambda-kit/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { AlertService } from '../alert.service';
import { alertService } from '../dependencies';
import { parseStockAlert } from '../stock-alert.schema';

/**
 * No new email is started with less time left than this: one SES call (2 attempts of at most 5 s,
 * see email.sender.ts) and the delivery's row fit in it, so the function's timeout never cuts a
 * send between SES accepting it and the row being written.
 */
export const SEND_TIME_MARGIN_MS = 15_000;

export const sendStockAlertsHandler = (service: () => AlertService = alertService) =>
  createBatchHandler<SQSEvent>({
    eventType: EventType.SQS,
    // In order, not in parallel: a duplicate of a message in the same batch then finds the first
    // one's deliveries and sends nothing, and one invocation sends one email at a time
    // (maximumConcurrency bounds the rest). A batch whose every record failed throws, so Lambda
    // counts an error and backs off polling while SES or the database is down.
    processInParallel: false,
    prepare: (_event, context) => {
      const hasTimeLeft = () => context.getRemainingTimeInMillis() > SEND_TIME_MARGIN_MS;
      return async (record: SQSRecord): Promise<void> => {
        let alertId: string | undefined;
        let correlationId: string | undefined;
        try {
          const alert = parseStockAlert(record.body);
          ({ id: alertId, correlationId } = alert);
          const { sent, pending } = await service().notify(alert, { hasTimeLeft });
          metrics.addMetric('StockAlertEmailsSent', MetricUnit.Count, sent);
          logger.info('stock alert sent', {
            messageId: record.messageId,
            alertId,
            correlationId,
            type: alert.type,
            sent,
            pending,
          });
        } catch (error) {
          metrics.addMetric('StockAlertsFailed', MetricUnit.Count, 1);
          // Ids and counts, never the recipient list (SES's own error message may still name one).
          logger.warn('stock alert failed; SQS retries it', {
            messageId: record.messageId,
            alertId,
            correlationId,
            error,
          });
          throw error;
        }
      };
    },
  });

export const handler = sendStockAlertsHandler();
