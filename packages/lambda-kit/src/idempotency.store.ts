import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ConfigError } from './config';

type Env = Readonly<Record<string, string | undefined>>;

/** What the idempotency store reads from the environment. */
export interface IdempotencyEnv {
  /** The DynamoDB table of idempotency records (`resources/idempotency-table.yml`). */
  readonly IDEMPOTENCY_TABLE: string;
  /** A local stand-in such as dynalite; unset on AWS. */
  readonly DYNAMODB_ENDPOINT: string | undefined;
}

// A local stand-in checks no signatures; these only keep the SDK from looking for real credentials
// (and from asking the instance metadata service for them, which takes seconds to fail off AWS).
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'us-east-1';

/**
 * The DynamoDB client settings for the idempotency table: the SDK's defaults on AWS; with
 * `DYNAMODB_ENDPOINT`, that endpoint, and a region and dummy credentials when the environment has none.
 */
export const dynamoDbClientConfig = (endpoint: string | undefined, env: Env): DynamoDBClientConfig => {
  if (endpoint === undefined) {
    return {};
  }
  return {
    endpoint,
    ...(env.AWS_REGION || env.AWS_DEFAULT_REGION ? {} : { region: LOCAL_REGION }),
    ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: LOCAL_CREDENTIALS }),
  };
};

/**
 * Reads and checks the two variables by hand, as `readConfig` would: a zod schema here would
 * pull zod's locales into every idempotent function (400 KB of bundle) for two strings.
 */
export const readIdempotencyEnv = (env: Env): IdempotencyEnv => {
  const problems: { variable: string; problem: string }[] = [];
  const table = env.IDEMPOTENCY_TABLE;
  if (table === undefined || table === '') {
    problems.push({ variable: 'IDEMPOTENCY_TABLE', problem: 'is missing' });
  }
  const endpoint = env.DYNAMODB_ENDPOINT === '' ? undefined : env.DYNAMODB_ENDPOINT;
  if (endpoint !== undefined && !/^https?:\/\/./.test(endpoint)) {
    problems.push({ variable: 'DYNAMODB_ENDPOINT', problem: 'is invalid (expected an http(s) URL)' });
  }
  if (problems.length > 0 || table === undefined) {
    throw new ConfigError(problems);
  }
  return Object.freeze({ IDEMPOTENCY_TABLE: table, DYNAMODB_ENDPOINT: endpoint });
};

/**
 * Powertools' DynamoDB persistence layer over the table named by `IDEMPOTENCY_TABLE` (partition
 * key `id`, TTL on `expiration`: the layer's defaults). Throws a {@link ConfigError} naming the
 * variable when it is missing, so a function deployed without it fails at once and says why.
 * Creating it opens no connection.
 */
export const idempotencyStoreFromEnv = (env: Env = process.env): DynamoDBPersistenceLayer => {
  const { IDEMPOTENCY_TABLE, DYNAMODB_ENDPOINT } = readIdempotencyEnv(env);
  return new DynamoDBPersistenceLayer({
    tableName: IDEMPOTENCY_TABLE,
    clientConfig: dynamoDbClientConfig(DYNAMODB_ENDPOINT, env),
  });
};
