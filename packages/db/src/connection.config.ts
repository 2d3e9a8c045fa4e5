import * as z from 'zod/mini';
import type { DbConnectionConfig } from './connection';

// The database part of a function's environment. This module never reads `process.env`: each
// function spreads `shape` into its own schema, adds `check`, and hands the parsed environment to
// `databaseConnectionFromEnv` (the IAM token signer and the migrate entry points read AWS
// credentials and secrets from it themselves).

const nonEmpty = z.string().check(z.minLength(1));

const writerShape = {
  // Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth.
  DATABASE_URL: z.optional(nonEmpty),
  DATABASE_HOST: z.optional(nonEmpty),
  DATABASE_PORT: z.optional(z.coerce.number().check(z.int(), z.positive())),
  DATABASE_NAME: z.optional(nonEmpty),
  DATABASE_USER: z.optional(nonEmpty),
  AWS_REGION: nonEmpty,
};

const readerShape = {
  ...writerShape,
  // Locally: a URL. On AWS: the Aurora reader endpoint, same port, database and user as the writer.
  DATABASE_READER_URL: z.optional(nonEmpty),
  DATABASE_READER_HOST: z.optional(nonEmpty),
};

const writerObject = z.object(writerShape);
const readerObject = z.object(readerShape);

/** The parsed database variables of a function that uses the writer only. */
export type DatabaseEnv = z.output<typeof writerObject>;
/** The parsed database variables of a function that uses the writer and the reader. */
export type DatabaseWithReaderEnv = z.output<typeof readerObject>;

/** Either `DATABASE_URL`, or every variable of the Aurora endpoint with IAM auth. */
export const databaseEnv = {
  shape: writerShape,
  check: z.superRefine((env: DatabaseEnv, ctx) => {
    if (env.DATABASE_URL !== undefined) return;
    for (const key of ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'required when DATABASE_URL is not set' });
      }
    }
  }),
};

/**
 * As {@link databaseEnv}, plus the reader: `DATABASE_URL` with `DATABASE_READER_URL`, or the writer
 * and reader hosts with the port, database and user they share.
 */
export const databaseWithReaderEnv = {
  shape: readerShape,
  check: z.superRefine((env: DatabaseWithReaderEnv, ctx) => {
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
};

/**
 * The connection to the writer (default) or the reader, from an environment that passed
 * {@link databaseEnv} (writer) or {@link databaseWithReaderEnv} (reader) checks.
 */
export function databaseConnectionFromEnv(env: DatabaseEnv, endpoint?: 'writer'): DbConnectionConfig;
export function databaseConnectionFromEnv(
  env: DatabaseWithReaderEnv,
  endpoint: 'writer' | 'reader',
): DbConnectionConfig;
export function databaseConnectionFromEnv(
  env: DatabaseEnv & Partial<DatabaseWithReaderEnv>,
  endpoint: 'writer' | 'reader' = 'writer',
): DbConnectionConfig {
  const url = endpoint === 'reader' ? env.DATABASE_READER_URL : env.DATABASE_URL;
  if (url !== undefined) return Object.freeze({ url });
  return Object.freeze({
    host: (endpoint === 'reader' ? env.DATABASE_READER_HOST : env.DATABASE_HOST)!,
    port: env.DATABASE_PORT!,
    database: env.DATABASE_NAME!,
    user: env.DATABASE_USER!,
    region: env.AWS_REGION,
  });
}
