// The use case behind the stream consumer: record a batch of StockChanged events in the ledger,
// publish the alerts they raise, invalidate the catalog cache. It knows neither Kinesis nor SQL.
//
// Cost per batch, whatever its size: 1 database round trip to record it (ledger rows, alert rows,
// pending alerts and product versions in one statement), 1 more to mark published alerts when
// there were any, 1 Redis round trip, and one SNS Publish per pending alert.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProductVersion } from '@shop/catalog-cache';
import { type StockChanged, stockAlert } from '@shop/domain';
import { logger, metrics } from '@shop/lambda-kit';
import { forEachWithLimit } from './concurrency';
import type { StockAlertPublisher } from './stock-alert.publisher';
import type { PendingAlert, RecordedBatch, StockLedger } from './stock-ledger.repository';

/** SNS Publish calls in flight at once: enough to clear a burst of alerts in a few round trips. */
export const PUBLISH_CONCURRENCY = 16;

/** A valid record of the batch. */
export interface ReceivedStockChange {
  readonly sequenceNumber: string;
  readonly event: StockChanged;
}

export interface BatchOutcome {
  /** Records to retry (by sequence number) and why; every other record is done. */
  readonly failed: ReadonlyMap<string, Error>;
  /** Alerts SNS accepted in this call. */
  readonly published: number;
}

/** The ledger statement failed: nothing of the batch is recorded, every record is retried. */
export class StockLedgerError extends Error {
  constructor(cause: unknown) {
    super('Recording the batch in the stock ledger failed', { cause });
    this.name = 'StockLedgerError';
  }
}

/** SNS did not accept an alert: it stays unpublished and the record that raised it is retried. */
export class StockAlertPublishError extends Error {
  constructor(alertId: string, cause: unknown) {
    super(`Publishing stock alert ${alertId} failed`, { cause });
    this.name = 'StockAlertPublishError';
  }
}

export interface StockEventsDependencies {
  readonly ledger: StockLedger;
  readonly publisher: StockAlertPublisher;
  /** Invalidates products in the catalog cache; must never throw. */
  readonly productsChanged: (products: readonly ProductVersion[]) => Promise<void>;
  readonly newId: () => string;
  readonly publishConcurrency?: number;
}

export interface StockEventsService {
  processStockChanges(changes: readonly ReceivedStockChange[]): Promise<BatchOutcome>;
}

export const createStockEventsService = (deps: StockEventsDependencies): StockEventsService => ({
  async processStockChanges(changes) {
    if (changes.length === 0) return { failed: new Map(), published: 0 };

    // A producer may deliver an event twice, even within one batch: record it once, and let every
    // copy share the outcome.
    const recordsOf = new Map<string, string[]>();
    const unique: StockChanged[] = [];
    for (const { sequenceNumber, event } of changes) {
      const copies = recordsOf.get(event.id);
      if (copies) {
        copies.push(sequenceNumber);
      } else {
        recordsOf.set(event.id, [sequenceNumber]);
        unique.push(event);
      }
    }

    let recorded: RecordedBatch;
    try {
      recorded = await deps.ledger.record(
        unique.map((event) => ({
          event,
          // One id per event; only used if this delivery is the one that records it.
          alert: stockAlert(event, { id: deps.newId(), name: event.sku, occurredAt: event.occurredAt }),
        })),
      );
    } catch (cause) {
      logger.error('recording stock events failed; the whole batch is retried', {
        records: changes.length,
        error: cause,
      });
      metrics.addMetric('StockLedgerFailures', MetricUnit.Count, 1);
      const error = new StockLedgerError(cause);
      return { failed: new Map(changes.map(({ sequenceNumber }) => [sequenceNumber, error])), published: 0 };
    }

    const [delivery] = await Promise.all([
      publishInOrder(deps, recorded.pendingAlerts),
      deps.productsChanged(recorded.products),
    ]);

    if (delivery.published.length > 0) {
      try {
        await deps.ledger.markPublished(delivery.published);
      } catch (error) {
        // SNS has the alerts. Reporting the records failed would publish them again for certain;
        // leaving them unmarked only republishes them (same alert id, which the notifier
        // deduplicates on) if the event is ever delivered again.
        logger.warn('published stock alerts could not be marked as published', {
          alertIds: delivery.published,
          error,
        });
        metrics.addMetric('StockAlertMarkFailures', MetricUnit.Count, 1);
      }
    }

    const failed = new Map<string, Error>();
    for (const [eventId, error] of delivery.failed) {
      for (const sequenceNumber of recordsOf.get(eventId) ?? []) failed.set(sequenceNumber, error);
    }
    metrics.addMetric('StockEventsProcessed', MetricUnit.Count, changes.length - failed.size);
    if (delivery.published.length > 0) {
      metrics.addMetric('StockAlertsPublished', MetricUnit.Count, delivery.published.length);
    }
    if (delivery.failed.size > 0) {
      metrics.addMetric('StockAlertPublishFailures', MetricUnit.Count, delivery.failed.size);
    }
    return { failed, published: delivery.published.length };
  },
});

interface Delivery {
  readonly published: string[];
  /** By event id. */
  readonly failed: Map<string, Error>;
}

/**
 * Publishes with bounded parallelism across products, and in stream order within a product. After
 * the first failure nothing more is attempted (SNS is failing: a hanging endpoint must not cost
 * one timeout per alert); the alerts not attempted fail their records too, which Lambda retries
 * anyway, since it resumes from the lowest failed sequence number.
 */
const publishInOrder = async (
  deps: StockEventsDependencies,
  pending: readonly PendingAlert[],
): Promise<Delivery> => {
  const delivery: Delivery = { published: [], failed: new Map() };
  const byProduct = new Map<string, PendingAlert[]>();
  for (const item of pending) {
    const list = byProduct.get(item.alert.productId) ?? [];
    list.push(item);
    byProduct.set(item.alert.productId, list);
  }
  let firstFailure: Error | undefined;
  await forEachWithLimit(
    [...byProduct.values()],
    deps.publishConcurrency ?? PUBLISH_CONCURRENCY,
    async (alerts) => {
      for (const { eventId, alert } of alerts) {
        if (firstFailure) {
          delivery.failed.set(eventId, firstFailure);
          continue;
        }
        try {
          await deps.publisher.publish(alert);
          delivery.published.push(alert.id);
        } catch (cause) {
          const error = new StockAlertPublishError(alert.id, cause);
          firstFailure ??= error;
          logger.warn('stock alert not published; its record is retried', {
            alertId: alert.id,
            eventId,
            type: alert.type,
            error: cause,
          });
          delivery.failed.set(eventId, error);
        }
      }
    },
  );
  return delivery;
};
