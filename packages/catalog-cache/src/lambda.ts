/**
 * What every Lambda that uses the catalog cache shares: how it reads `REDIS_URL`, and how it
 * reports the cache being unavailable. Its own entry point (`@shop/catalog-cache/lambda`) so the
 * layout module stays free of Powertools.
 * @packageDocumentation
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '@shop/lambda-kit';
import * as z from 'zod/mini';
import type { ProductVersion } from './product.cache';
import { createProductCache } from './redis';

/** `REDIS_URL`: a `redis://` / `rediss://` URL, or `off` when the catalog runs without a cache. */
export const redisUrlEnv = z.union([z.literal('off'), z.url({ protocol: /^rediss?$/ })]);

/** The configured Redis URL; null = the cache is off. */
export const redisUrlFrom = (value: z.infer<typeof redisUrlEnv>): string | null =>
  value === 'off' ? null : value;

/**
 * The cache's error callback for Lambdas: logs a warning saying what the caller does instead and
 * counts a `CacheErrors` metric. Cache trouble never fails a request or a batch.
 */
export const reportCacheErrors =
  (consequence: string) =>
  (operation: string, error: unknown): void => {
    logger.warn(`catalog cache unavailable, ${consequence}`, { operation, error });
    metrics.addMetric('CacheErrors', MetricUnit.Count, 1);
  };

/**
 * Tombstones products in the catalog's Redis cache after a committed stock change (orders after
 * placing or cancelling, inventory-stream after each batch), so catalog reads show the new stock
 * at once. Never throws: with Redis down or slow (50 ms command timeout) it logs and counts, and
 * the cached products expire with their TTL.
 */
export const createCatalogCacheInvalidation = (
  redisUrl: string | null,
): ((products: readonly ProductVersion[]) => Promise<void>) => {
  const cache = createProductCache(
    redisUrl,
    reportCacheErrors('cached products stay stale until they expire'),
  );
  return (products) => cache.invalidateProducts(products);
};
