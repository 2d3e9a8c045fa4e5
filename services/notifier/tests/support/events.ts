// SQS events as Lambda delivers them from StockAlertsQueue: SNS raw message delivery puts the bare
// `stock-alerts` message in the body and `alertType` in the message attributes.
import { randomUUID } from 'node:crypto';
import type { StockAlert, StockAlertType } from '@shop/domain';
import { lambdaContext } from '@shop/lambda-kit/testing';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import lowStock from '../fixtures/low-stock.alert.json';
import recordTemplate from '../fixtures/sqs-record.json';

/** A valid alert (the fixture) with a fresh id, changed by `overrides`. */
export const alertOf = (overrides: Partial<StockAlert> = {}): StockAlert => ({
  ...(lowStock as StockAlert),
  id: randomUUID(),
  ...overrides,
});

/** One SQS record; a string body is sent as is (for malformed messages). */
export const sqsRecord = (body: StockAlert | string, messageId: string = randomUUID()): SQSRecord => {
  const type: StockAlertType | 'unknown' = typeof body === 'string' ? 'unknown' : body.type;
  return {
    ...recordTemplate,
    messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    messageAttributes: {
      alertType: { ...recordTemplate.messageAttributes.alertType, stringValue: type },
    },
  } as SQSRecord;
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda context with `remainingMs` left (default: a whole 60 s timeout). */
export const contextWith = (remainingMs: number | (() => number) = 60_000): Context => ({
  ...lambdaContext('shop-notifier-test-sendStockAlerts'),
  getRemainingTimeInMillis: typeof remainingMs === 'number' ? () => remainingMs : remainingMs,
});
