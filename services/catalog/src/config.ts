import { redisUrlEnv, redisUrlFrom } from '@shop/catalog-cache/lambda';
import { type DbConnectionConfig, databaseConnectionFromEnv, databaseWithReaderEnv } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.minLength(1));

const envSchema = z
  .object({
    // Locally: URLs. On AWS: the Aurora writer/reader endpoints, reached with IAM auth.
    ...databaseWithReaderEnv.shape,
    /** `redis://` / `rediss://` URL, or `off` to run without a cache (said loudly at start-up). */
    REDIS_URL: redisUrlEnv,
    ASSETS_BUCKET: nonEmpty,
    /** Base URL that serves the bucket's objects (CloudFront on AWS, s3rver locally). */
    ASSETS_PUBLIC_URL: z.url(),
    /** Only set locally (s3rver); on AWS the SDK finds S3 itself. */
    S3_ENDPOINT: z.optional(z.url()),
  })
  .check(databaseWithReaderEnv.check);

export interface CatalogConfig {
  readonly writer: DbConnectionConfig;
  readonly reader: DbConnectionConfig;
  readonly redisUrl: string | null;
  readonly assetsBucket: string;
  readonly assetsPublicUrl: string;
  readonly s3Endpoint: string | undefined;
  readonly region: string;
}

export const loadCatalogConfig = (env: NodeJS.ProcessEnv = process.env): CatalogConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    writer: databaseConnectionFromEnv(e, 'writer'),
    reader: databaseConnectionFromEnv(e, 'reader'),
    redisUrl: redisUrlFrom(e.REDIS_URL),
    assetsBucket: e.ASSETS_BUCKET,
    assetsPublicUrl: e.ASSETS_PUBLIC_URL.replace(/\/+$/, ''),
    s3Endpoint: e.S3_ENDPOINT,
    region: e.AWS_REGION,
  });
};
