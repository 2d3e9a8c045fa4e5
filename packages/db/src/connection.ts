import { Kysely, type LogConfig, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';
import { createRdsAuthToken, credentialsFromEnv } from './rds-auth.token';

/**
 * How to reach PostgreSQL. Locally a URL; on AWS the Aurora endpoint with IAM authentication, so
 * no password lives in configuration (the function role holds `rds-db:connect` for its user).
 */
export type DbConnectionConfig =
  | { readonly url: string }
  | {
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly region: string;
    };

export interface DbPoolOptions {
  /** Connections per pool. A Lambda container serves one request at a time: 1-2 is plenty. */
  readonly max?: number;
  /** Server-side statement timeout, so a stuck query cannot hold a Lambda until its own timeout. */
  readonly statementTimeoutMs?: number;
  /** kysely's query log: tests and benchmarks count the queries a path issues with it. */
  readonly log?: LogConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * pg's password callback for Aurora IAM auth: a fresh 15-minute token for every new connection,
 * signed with the function role's credentials from the environment. See {@link createRdsAuthToken}
 * for why this is not `@aws-sdk/rds-signer`.
 */
export const iamAuthPassword =
  (config: Extract<DbConnectionConfig, { host: string }>, env: Env = process.env) =>
  async (): Promise<string> =>
    createRdsAuthToken({
      hostname: config.host,
      port: config.port,
      username: config.user,
      region: config.region,
      credentials: credentialsFromEnv(env),
    });

export const createPool = (config: DbConnectionConfig, options: DbPoolOptions = {}): pg.Pool => {
  const pool = buildPool(config, options);
  // An idle connection the server drops (failover, restart) is reported here; without a listener
  // it would crash the process. The pool replaces it on the next checkout.
  pool.on('error', () => {});
  return pool;
};

const buildPool = (config: DbConnectionConfig, options: DbPoolOptions): pg.Pool => {
  const common = {
    max: options.max ?? 2,
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
  };
  if ('url' in config) return new pg.Pool({ ...common, connectionString: config.url });
  return new pg.Pool({
    ...common,
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: iamAuthPassword(config),
    // TLS only; the Lambda runtime trusts the RDS CA through NODE_EXTRA_CA_CERTS.
    ssl: { rejectUnauthorized: true },
  });
};

export const createDb = (config: DbConnectionConfig, options: DbPoolOptions = {}): Kysely<Database> =>
  new Kysely<Database>({
    dialect: new PostgresDialect({ pool: createPool(config, options) }),
    ...(options.log ? { log: options.log } : {}),
  });

/** Connection errors and server overload are the infrastructure's fault, not the caller's. */
const UNAVAILABLE_SQLSTATES = new Set([
  '53300',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export const isDatabaseUnavailable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code)))
    return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
};

/** SQLSTATE 23505: a unique constraint said no. */
export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
};
