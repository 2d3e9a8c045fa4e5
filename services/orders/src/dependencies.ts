// The orders composition root. Built once per cold start and reused by warm invocations; each
// piece is created on first use.
import { randomUUID } from 'node:crypto';
import { createCatalogCacheInvalidation } from '@shop/catalog-cache/lambda';
import { createDb } from '@shop/db';
import { lazy } from '@shop/lambda-kit';
import { kickOutboxRelay } from '@shop/outbox';
import { loadCatalogCacheConfig, loadOrdersConfig } from './config';
import { createOrdersService, type OrdersDependencies, type OrdersService } from './orders.service';

/** Read once per cold start, validated and frozen; a missing variable fails fast. */
export const ordersConfig = /* @__PURE__ */ lazy(() => loadOrdersConfig());

const buildService = (
  afterCommit: Pick<OrdersDependencies, 'eventsCommitted' | 'productsChanged'> = {},
): OrdersService =>
  createOrdersService({
    db: createDb(ordersConfig().writer),
    newId: randomUUID,
    limits: ordersConfig().limits,
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
