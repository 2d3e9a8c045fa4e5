// What the outbox relay needs from the environment, read once per cold start.
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
    /** The Kinesis stream of `StockChanged` events (`stock-events`). */
    STOCK_EVENTS_STREAM: nonEmpty,
    /** Only set locally (kinesalite); on AWS the SDK finds Kinesis itself. */
    KINESIS_ENDPOINT: z.optional(z.url()),
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

export interface OutboxConfig {
  readonly db: DbConnectionConfig;
  readonly region: string;
  readonly streamName: string;
  readonly kinesisEndpoint: string | undefined;
}

export const loadOutboxConfig = (env: NodeJS.ProcessEnv = process.env): OutboxConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    db: e.DATABASE_URL
      ? { url: e.DATABASE_URL }
      : {
          host: e.DATABASE_HOST!,
          port: e.DATABASE_PORT!,
          database: e.DATABASE_NAME!,
          user: e.DATABASE_USER!,
          region: e.AWS_REGION,
        },
    region: e.AWS_REGION,
    streamName: e.STOCK_EVENTS_STREAM,
    kinesisEndpoint: e.KINESIS_ENDPOINT,
  });
};
