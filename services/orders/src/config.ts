import { redisUrlEnv, redisUrlFrom } from '@shop/catalog-cache/lambda';
import { type DbConnectionConfig, databaseConnectionFromEnv, databaseEnv } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

// Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth.
const envSchema = z.object(databaseEnv.shape).check(databaseEnv.check);

export interface OrdersConfig {
  /** Orders only use the writer: they read their own writes. */
  readonly writer: DbConnectionConfig;
  readonly region: string;
}

export const loadOrdersConfig = (env: NodeJS.ProcessEnv = process.env): OrdersConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    writer: databaseConnectionFromEnv(e),
    region: e.AWS_REGION,
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
