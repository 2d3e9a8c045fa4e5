import { redisUrlEnv, redisUrlFrom } from '@shop/catalog-cache/lambda';
import { type DbConnectionConfig, databaseConnectionFromEnv, databaseEnv } from '@shop/db';
import type { CustomerLimits } from '@shop/domain';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const positiveInt = (max: number) => z.coerce.number().check(z.int(), z.gte(1), z.lte(max));

// Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth. The customer limits
// are stage parameters (packages/serverless-config/params.yml, docs/limits.md).
const envSchema = z
  .object({
    ...databaseEnv.shape,
    CUSTOMER_MAX_ORDER_WRITES: positiveInt(10_000),
    CUSTOMER_LIMIT_WINDOW_SECONDS: positiveInt(86_400),
    CUSTOMER_MAX_OPEN_ORDERS: positiveInt(10_000),
  })
  .check(databaseEnv.check);

export interface OrdersConfig {
  /** Orders only use the writer: they read their own writes. */
  readonly writer: DbConnectionConfig;
  readonly region: string;
  readonly limits: CustomerLimits;
}

export const loadOrdersConfig = (env: NodeJS.ProcessEnv = process.env): OrdersConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    writer: databaseConnectionFromEnv(e),
    region: e.AWS_REGION,
    limits: Object.freeze({
      maxWritesPerWindow: e.CUSTOMER_MAX_ORDER_WRITES,
      windowSeconds: e.CUSTOMER_LIMIT_WINDOW_SECONDS,
      maxOpenOrders: e.CUSTOMER_MAX_OPEN_ORDERS,
    }),
  });
};

const cacheEnvSchema = z.object({
  REDIS_URL: redisUrlEnv,
});

export interface CatalogCacheConfig {
  /** The catalog's Redis; null = the cache is off, nothing to invalidate. */
  readonly redisUrl: string | null;
}

/**
 * Only read by the functions that change stock (place, cancel): they invalidate the catalog's
 * cache after the commit. The other functions need no REDIS_URL.
 */
export const loadCatalogCacheConfig = (env: NodeJS.ProcessEnv = process.env): CatalogCacheConfig => {
  const e = readConfig(cacheEnvSchema, env);
  return Object.freeze({ redisUrl: redisUrlFrom(e.REDIS_URL) });
};
