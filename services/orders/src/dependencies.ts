// The orders composition root. Built once per cold start and reused by warm invocations; each
// piece is created on first use.
import { randomUUID } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createProductCache, type ProductVersion } from '@shop/catalog-cache';
import { createDb } from '@shop/db';
import { lazy, logger, metrics } from '@shop/lambda-kit';
import { kickOutboxRelay } from '@shop/outbox';
import { loadCatalogCacheConfig, loadOrdersConfig } from './config';
import { createOrdersService, type OrdersDependencies, type OrdersService } from './orders.service';

/** Read once per cold start, validated and frozen; a missing variable fails fast. */
export const ordersConfig = /* @__PURE__ */ lazy(() => loadOrdersConfig());

/**
 * Tombstones products in the catalog's Redis cache (@shop/catalog-cache) after a committed stock
 * change, so catalog reads show the new stock at once. Never throws: with Redis down or slow
 * (50 ms command timeout) the request still succeeds, logs a warning and counts a CacheErrors
 * metric, and the cached products expire with their TTL.
 */
export const createCatalogCacheInvalidation = (
  redisUrl: string | null,
): ((products: readonly ProductVersion[]) => Promise<void>) => {
  const cache = createProductCache(redisUrl, (operation, error) => {
    logger.warn('catalog cache unavailable, cached products stay stale until they expire', {
      operation,
      error,
    });
    metrics.addMetric('CacheErrors', MetricUnit.Count, 1);
  });
  return (products) => cache.invalidateProducts(products);
};

const buildService = (
  afterCommit: Pick<OrdersDependencies, 'eventsCommitted' | 'productsChanged'> = {},
): OrdersService =>
  createOrdersService({
    db: createDb(ordersConfig().writer),
    newId: randomUUID,
    ...afterCommit,
  });

/** The service the read and status handlers use by default; tests pass their own. */
export const ordersService = /* @__PURE__ */ lazy(() => buildService());

/**
 * The same service for the two routes that change stock and write StockChanged events (place,
 * cancel): after the commit it invalidates the changed products in the catalog's cache (REDIS_URL)
 * and kicks the outbox relay, so the events reach Kinesis at once instead of with the sweeper.
 * Only these functions bundle the Redis and Kinesis clients.
 */
export const ordersServiceWithEvents = /* @__PURE__ */ lazy(() =>
  buildService({
    eventsCommitted: () => kickOutboxRelay(),
    productsChanged: createCatalogCacheInvalidation(loadCatalogCacheConfig().redisUrl),
  }),
);
