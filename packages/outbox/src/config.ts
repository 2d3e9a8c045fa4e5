// What the outbox relay needs from the environment, read once per cold start.
import { type DbConnectionConfig, databaseConnectionFromEnv, databaseEnv } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.minLength(1));

const envSchema = z
  .object({
    // Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth.
    ...databaseEnv.shape,
    /** The Kinesis stream of `StockChanged` events (`stock-events`). */
    STOCK_EVENTS_STREAM: nonEmpty,
    /** Only set locally (kinesalite); on AWS the SDK finds Kinesis itself. */
    KINESIS_ENDPOINT: z.optional(z.url()),
  })
  .check(databaseEnv.check);

export interface OutboxConfig {
  readonly db: DbConnectionConfig;
  readonly region: string;
  readonly streamName: string;
  readonly kinesisEndpoint: string | undefined;
}

export const loadOutboxConfig = (env: NodeJS.ProcessEnv = process.env): OutboxConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    db: databaseConnectionFromEnv(e),
    region: e.AWS_REGION,
    streamName: e.STOCK_EVENTS_STREAM,
    kinesisEndpoint: e.KINESIS_ENDPOINT,
  });
};
