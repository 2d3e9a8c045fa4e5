import type { DbConnectionConfig } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.minLength(1));

const envSchema = z
  .object({
    // Locally: URLs. On AWS: the Aurora writer/reader endpoints, reached with IAM auth.
    DATABASE_URL: z.optional(nonEmpty),
    DATABASE_READER_URL: z.optional(nonEmpty),
    DATABASE_HOST: z.optional(nonEmpty),
    DATABASE_READER_HOST: z.optional(nonEmpty),
    DATABASE_PORT: z.optional(z.coerce.number().check(z.int(), z.positive())),
    DATABASE_NAME: z.optional(nonEmpty),
    DATABASE_USER: z.optional(nonEmpty),
    AWS_REGION: nonEmpty,
    /** `redis://` / `rediss://` URL, or `off` to run without a cache (said loudly at start-up). */
    REDIS_URL: z.union([z.literal('off'), z.url({ protocol: /^rediss?$/ })]),
    ASSETS_BUCKET: nonEmpty,
    /** Base URL that serves the bucket's objects (CloudFront on AWS, s3rver locally). */
    ASSETS_PUBLIC_URL: z.url(),
    /** Only set locally (s3rver); on AWS the SDK finds S3 itself. */
    S3_ENDPOINT: z.optional(z.url()),
  })
  .check(
    z.superRefine((env, ctx) => {
      const byUrl = env.DATABASE_URL !== undefined;
      const required = byUrl
        ? (['DATABASE_READER_URL'] as const)
        : ([
            'DATABASE_HOST',
            'DATABASE_READER_HOST',
            'DATABASE_PORT',
            'DATABASE_NAME',
            'DATABASE_USER',
          ] as const);
      for (const key of required) {
        if (env[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `required when ${byUrl ? 'DATABASE_URL' : 'DATABASE_HOST'} is used`,
          });
        }
      }
    }),
  );

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
  const endpoint = (host: string): DbConnectionConfig => ({
    host,
    port: e.DATABASE_PORT!,
    database: e.DATABASE_NAME!,
    user: e.DATABASE_USER!,
    region: e.AWS_REGION,
  });
  return Object.freeze({
    writer: e.DATABASE_URL ? { url: e.DATABASE_URL } : endpoint(e.DATABASE_HOST!),
    reader: e.DATABASE_READER_URL ? { url: e.DATABASE_READER_URL } : endpoint(e.DATABASE_READER_HOST!),
    redisUrl: e.REDIS_URL === 'off' ? null : e.REDIS_URL,
    assetsBucket: e.ASSETS_BUCKET,
    assetsPublicUrl: e.ASSETS_PUBLIC_URL.replace(/\/+$/, ''),
    s3Endpoint: e.S3_ENDPOINT,
    region: e.AWS_REGION,
  });
};
