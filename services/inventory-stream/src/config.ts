import { redisUrlEnv, redisUrlFrom } from '@shop/catalog-cache/lambda';
import { type DbConnectionConfig, databaseConnectionFromEnv, databaseEnv } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const envSchema = z
  .object({
    ...databaseEnv.shape,
    /** The SNS topic `stock-alerts` (resources/stock-alerts.yml). */
    STOCK_ALERTS_TOPIC_ARN: z.string().check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/)),
    /** Only for local stand-ins (serverless-offline-sns); unset on AWS. */
    SNS_ENDPOINT: z.optional(z.url({ protocol: /^https?$/ })),
    REDIS_URL: redisUrlEnv,
  })
  .check(databaseEnv.check);

export interface InventoryStreamConfig {
  /** The ledger is written, never read back from a replica: the writer only. */
  readonly database: DbConnectionConfig;
  readonly region: string;
  readonly stockAlertsTopicArn: string;
  /** A local SNS stand-in; null on AWS (the SDK finds the regional endpoint). */
  readonly snsEndpoint: string | null;
  /** The catalog's Redis; null = the cache is off, nothing to invalidate. */
  readonly redisUrl: string | null;
}

/** Read once per cold start, validated and frozen: a missing or invalid variable fails fast, all named at once. */
export const loadInventoryStreamConfig = (env: NodeJS.ProcessEnv = process.env): InventoryStreamConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    database: databaseConnectionFromEnv(e),
    region: e.AWS_REGION,
    stockAlertsTopicArn: e.STOCK_ALERTS_TOPIC_ARN,
    snsEndpoint: e.SNS_ENDPOINT ?? null,
    redisUrl: redisUrlFrom(e.REDIS_URL),
  });
};
