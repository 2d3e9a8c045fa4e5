import { Redis } from 'ioredis';
import {
  createRedisProductCache,
  disabledProductCache,
  LIST_TTL_SECONDS,
  PRODUCT_TTL_SECONDS,
  type ProductCache,
} from './product.cache';

/** Redis answers in well under a millisecond; slower than this it is treated as down. */
export const CACHE_TIMEOUT_MS = 50;

/**
 * The ioredis client every user of the catalog cache connects with: a command fails after
 * CACHE_TIMEOUT_MS instead of queueing while Redis is down or slow, and the client keeps
 * reconnecting in the background.
 */
export const createCacheRedis = (redisUrl: string): Redis => {
  const redis = new Redis(redisUrl, {
    commandTimeout: CACHE_TIMEOUT_MS,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    // Keep trying to reconnect in the background, at most once a second.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  redis.on('error', () => {
    // Connection errors surface on each command (and are reported there); this only stops the
    // client from crashing the process with an unhandled 'error' event.
  });
  return redis;
};

/**
 * The catalog cache at `redisUrl` (null: Redis is off, every read misses and every write is a
 * no-op) with the shared TTLs. Failures never throw: they go to `onError` and count as misses.
 */
export const createProductCache = (
  redisUrl: string | null,
  onError: (operation: string, error: unknown) => void,
): ProductCache =>
  redisUrl === null
    ? disabledProductCache
    : createRedisProductCache(createCacheRedis(redisUrl), {
        productTtlSeconds: PRODUCT_TTL_SECONDS,
        listTtlSeconds: LIST_TTL_SECONDS,
        onError,
      });
