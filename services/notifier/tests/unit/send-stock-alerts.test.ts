import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { StockAlert } from '@shop/domain';
import { logger } from '@shop/lambda-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertIncompleteError, type AlertService, type NotifyOptions } from '../../src/alert.service';
import { SEND_TIME_MARGIN_MS, sendStockAlertsHandler } from '../../src/handlers/send-stock-alerts';
import { alertOf, contextWith, sqsEvent, sqsRecord } from '../support/events';

/** Records what it was asked to notify; `fail` decides which alerts throw. */
const fakeService = (fail: (alert: StockAlert) => Error | null = () => null) => {
  const calls: Array<{ alert: StockAlert; options: NotifyOptions | undefined }> = [];
  const service: AlertService = {
    notify: async (alert, options) => {
      calls.push({ alert, options });
      const error = fail(alert);
      if (error) throw error;
      return { sent: 1, pending: 1 };
    },
  };
  return { service, calls };
};

describe('the sendStockAlerts handler', () => {
  beforeEach(() => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('notifies every alert of the batch, in order, and reports no failures', async () => {
    const { service, calls } = fakeService();
    const alerts = [
      alertOf({ type: 'LowStock' }),
      alertOf({ type: 'OutOfStock' }),
      alertOf({ type: 'BackInStock' }),
    ];

    const response = await sendStockAlertsHandler(() => service)(
      sqsEvent(...alerts.map((alert) => sqsRecord(alert))),
      contextWith(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(calls.map(({ alert }) => alert)).toEqual(alerts);
  });

  it('reports only the malformed message as failed and never hands it to the service', async () => {
    const { service, calls } = fakeService();
    const good = alertOf();
    const malformed = [
      sqsRecord('not json', 'm-not-json'),
      sqsRecord(JSON.stringify({ ...good, schemaVersion: 2 }), 'm-version-2'),
      sqsRecord(JSON.stringify({ ...good, stock: 'three' }), 'm-bad-stock'),
    ];

    const response = await sendStockAlertsHandler(() => service)(
      sqsEvent(malformed[0]!, sqsRecord(good, 'm-good'), malformed[1]!, malformed[2]!),
      contextWith(),
    );

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm-not-json' },
      { itemIdentifier: 'm-version-2' },
      { itemIdentifier: 'm-bad-stock' },
    ]);
    expect(calls.map(({ alert }) => alert.id)).toEqual([good.id]);
  });

  it('reports a message the service could not finish as failed, and the rest as done', async () => {
    const failing = alertOf();
    const { service } = fakeService((alert) =>
      alert.id === failing.id
        ? new AlertIncompleteError(alert.id, { sent: 1, failed: 1, notAttempted: 0 })
        : null,
    );

    const response = await sendStockAlertsHandler(() => service)(
      sqsEvent(sqsRecord(alertOf(), 'm-1'), sqsRecord(failing, 'm-2'), sqsRecord(alertOf(), 'm-3')),
      contextWith(),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
  });

  it('throws when every message failed, so Lambda counts an error and SQS retries them all', async () => {
    const { service } = fakeService(() => new Error('SES is down'));

    await expect(
      sendStockAlertsHandler(() => service)(
        sqsEvent(sqsRecord(alertOf()), sqsRecord(alertOf())),
        contextWith(),
      ),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
  });

  it('logs a failure with the message and alert ids, never the recipients', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const alert = alertOf();
    const { service } = fakeService(
      () => new AlertIncompleteError(alert.id, { sent: 0, failed: 1, notAttempted: 2 }),
    );

    await sendStockAlertsHandler(() => service)(
      sqsEvent(sqsRecord(alert, 'm-failing'), sqsRecord('{', 'm-malformed')),
      contextWith(),
    ).catch(() => undefined);

    expect(warn).toHaveBeenCalledWith(
      'stock alert failed; SQS retries it',
      expect.objectContaining({ messageId: 'm-failing', alertId: alert.id }),
    );
    expect(warn).toHaveBeenCalledWith(
      'stock alert failed; SQS retries it',
      expect.objectContaining({ messageId: 'm-malformed', alertId: undefined }),
    );
  });

  it('lets the service stop starting sends once the invocation is close to its timeout', async () => {
    const { service, calls } = fakeService();
    let remaining = 40_000;

    await sendStockAlertsHandler(() => service)(
      sqsEvent(sqsRecord(alertOf())),
      contextWith(() => remaining),
    );

    const hasTimeLeft = calls[0]?.options?.hasTimeLeft;
    expect(hasTimeLeft?.()).toBe(true);
    remaining = SEND_TIME_MARGIN_MS;
    expect(hasTimeLeft?.()).toBe(false);
  });

  it('fails the batch at cold start when the configuration is missing', async () => {
    const { sendStockAlertsHandler: withDefaults } = await import('../../src/handlers/send-stock-alerts');

    await expect(withDefaults()(sqsEvent(sqsRecord(alertOf())), contextWith())).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof FullBatchFailureError &&
        error.recordErrors.some((e) => /MAIL_FROM_ADDRESS is missing/.test(String(e))),
    );
  });
});
