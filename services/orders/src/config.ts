import type { DbConnectionConfig } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.minLength(1));

const envSchema = z
  .object({
    // Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth.
    DATABASE_URL: z.optional(nonEmpty),
    DATABASE_HOST: z.optional(nonEmpty),
    DATABASE_PORT: z.optional(z.coerce.number().check(z.int(), z.positive())),
    DATABASE_NAME: z.optional(nonEmpty),
    DATABASE_USER: z.optional(nonEmpty),
    AWS_REGION: nonEmpty,
  })
  .check(
    z.superRefine((env, ctx) => {
      if (env.DATABASE_URL !== undefined) return;
      for (const key of ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER'] as const) {
        if (env[key] === undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'required when DATABASE_URL is not set' });
        }
      }
    }),
  );

export interface OrdersConfig {
  /** Orders only use the writer: they read their own writes. */
  readonly writer: DbConnectionConfig;
  readonly region: string;
}

export const loadOrdersConfig = (env: NodeJS.ProcessEnv = process.env): OrdersConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    writer: e.DATABASE_URL
      ? { url: e.DATABASE_URL }
      : {
          host: e.DATABASE_HOST!,
          port: e.DATABASE_PORT!,
          database: e.DATABASE_NAME!,
          user: e.DATABASE_USER!,
          region: e.AWS_REGION,
        },
    region: e.AWS_REGION,
  });
};

const cacheEnvSchema = z.object({
  /** As the catalog reads it: `redis://` / `rediss://` URL, or `off` when the catalog runs without a cache. */
  REDIS_URL: z.union([z.literal('off'), z.url({ protocol: /^rediss?$/ })]),
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
  return Object.freeze({ redisUrl: e.REDIS_URL === 'off' ? null : e.REDIS_URL });
};
