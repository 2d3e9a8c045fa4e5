// CloudFormation custom resource of stacks/migrate: brings Aurora's schema, and with it the
// per-service database users and their grants (migration 0006), to the latest migration on every
// deploy that changes the migrations. Runs in the VPC as Aurora's master user, whose password RDS
// keeps in Secrets Manager; nothing else can log in with it.
//
// Idempotent: kysely records applied migrations and applies only pending ones, all of them in one
// transaction (PostgreSQL has transactional DDL), so a failure applies nothing and answers FAILED,
// which fails the deploy before any service that needs the new schema is updated.
// Rollback: migrations are expand-only (a column is added before code uses it, dropped a release
// after code stopped), so older code runs on the newer schema. When CloudFormation rolls this stack
// back to code that does not know a migration the database already has, the handler answers
// SUCCESS and leaves the schema as it is; it never migrates down. Delete does nothing: the
// schema lives as long as the cluster.
import { request } from 'node:https';
import { migrateToLatest } from './migrator';

/** The fields of a CloudFormation custom resource request this handler reads. */
export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
}

export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

export interface MigrateDependencies {
  /** The master user's connection URL (Secrets Manager, read per invocation: RDS rotates it). */
  databaseUrl: () => Promise<string>;
  migrate: (url: string) => Promise<string[]>;
  respond: (event: CustomResourceEvent, response: CustomResourceResponse) => Promise<void>;
}

const PHYSICAL_ID = 'shop-database-migrations';

/** kysely's refusal when the database has a migration this code does not (a rollback). */
const DATABASE_AHEAD = /previously executed migration .* is missing/;

export const handleMigrate = async (event: CustomResourceEvent, deps: MigrateDependencies): Promise<void> => {
  let response: CustomResourceResponse = {
    Status: 'SUCCESS',
    Reason: 'nothing to do',
    PhysicalResourceId: PHYSICAL_ID,
  };
  if (event.RequestType !== 'Delete') {
    try {
      const applied = await deps.migrate(await deps.databaseUrl());
      response = {
        ...response,
        Reason: applied.length ? `applied ${applied.join(', ')}` : 'database already up to date',
        Data: { Applied: applied.join(',') },
      };
    } catch (error) {
      const message =
        error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
      response = DATABASE_AHEAD.test(message)
        ? { ...response, Reason: 'database is ahead of this code (rollback): schema left as it is' }
        : { ...response, Status: 'FAILED', Reason: message.slice(0, 1000) };
    }
  }
  console.log(JSON.stringify({ requestType: event.RequestType, ...response }));
  await deps.respond(event, response);
};

/** A value of the environment, or a fast failure naming it. */
const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (stacks/migrate/serverless.yml)`);
  return value;
};

/**
 * The master URL from the RDS-managed secret, through the Secrets Manager client of the Lambda
 * runtime (a deploy-time function: the runtime's SDK is enough, and bundling one would add a
 * dependency to the workspace for a single call).
 */
export const masterUrlFromSecret = async (env: NodeJS.ProcessEnv = process.env): Promise<string> => {
  const host = required(env, 'DATABASE_HOST');
  const database = required(env, 'DATABASE_NAME');
  const secretArn = required(env, 'MASTER_SECRET_ARN');
  const sdk = (await import(SECRETS_MANAGER_MODULE)) as SecretsManagerModule;
  const secret = await new sdk.SecretsManagerClient({}).send(
    new sdk.GetSecretValueCommand({ SecretId: secretArn }),
  );
  const { username, password } = JSON.parse(secret.SecretString ?? '{}') as {
    username?: string;
    password?: string;
  };
  if (!username || !password) throw new Error('the master secret has no username or password');
  const user = encodeURIComponent(username);
  return `postgres://${user}:${encodeURIComponent(password)}@${host}:5432/${database}?sslmode=verify-full`;
};

/** A variable, not a literal: esbuild leaves the import to the runtime instead of bundling it. */
const SECRETS_MANAGER_MODULE = '@aws-sdk/client-secrets-manager';

interface SecretsManagerModule {
  SecretsManagerClient: new (
    config: object,
  ) => { send: (command: unknown) => Promise<{ SecretString?: string }> };
  GetSecretValueCommand: new (input: { SecretId: string }) => unknown;
}

/** PUTs the response to the presigned S3 URL CloudFormation waits on. */
export const respondToCloudFormation = (event: CustomResourceEvent, response: CustomResourceResponse) =>
  new Promise<void>((resolve, reject) => {
    const body = JSON.stringify({
      ...response,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    });
    const put = request(
      event.ResponseURL,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (answer) => {
        answer.resume();
        answer.on('end', resolve);
      },
    );
    put.on('error', reject);
    put.end(body);
  });

export const handler = (event: CustomResourceEvent): Promise<void> =>
  handleMigrate(event, {
    databaseUrl: () => masterUrlFromSecret(),
    migrate: migrateToLatest,
    respond: respondToCloudFormation,
  });
