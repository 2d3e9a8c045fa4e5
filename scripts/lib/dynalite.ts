// DynamoDB stand-in: dynalite (toolchain.md), in-process and in memory, for the idempotency records
// of Powertools idempotency (packages/lambda-kit, `@shop/lambda-kit/idempotency`). Conditional
// writes work; TTL is not emulated (Powertools checks a record's expiry itself, so replays still end
// after 24 hours; the records just stay in memory until the stand-in stops).
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_HOST } from './ports';
import type { Supervisor } from './supervisor';
import { waitUntil } from './wait';

/** The local idempotency table's name: `IDEMPOTENCY_TABLE` of the functions run by the local stack. */
export const LOCAL_IDEMPOTENCY_TABLE = 'shop-idempotency-local';

/**
 * The key and TTL attributes of Powertools' DynamoDB persistence layer with its defaults, as
 * `resources/idempotency-table.yml` declares them.
 */
export const IDEMPOTENCY_TABLE_KEY = { partitionKey: 'id', ttlAttribute: 'expiration' } as const;

// dynalite checks no signatures; these only keep the SDK from looking for real credentials.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'us-east-1';

export interface DynaliteServer {
  /** e.g. `http://127.0.0.1:4567`: `DYNAMODB_ENDPOINT` of the functions. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** 0 for any free port. */
  port: number;
  /** Stops dynalite on shutdown when given; otherwise call `close()`. */
  supervisor?: Supervisor;
}

interface DynaliteHttpServer {
  listen(port: number, host: string, callback: (error?: Error) => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  address(): AddressInfo | string | null;
  close(callback: (error?: Error) => void): void;
}

type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => DynaliteHttpServer;

// dynalite is CommonJS and ships no types; this is the part of its API used here.
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

/**
 * Starts dynalite in this process on 127.0.0.1:`port`, in memory (data is gone when it stops).
 * Tables become ACTIVE at once instead of after dynalite's default 500 ms.
 */
export async function startDynalite(options: StartDynaliteOptions): Promise<DynaliteServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOCAL_HOST, (error) => (error ? reject(error) : resolve()));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    return closed;
  };
  if (options.supervisor) {
    options.supervisor.defer('dynamodb', close);
    options.supervisor.log('dynamodb', `dynalite ready on ${endpoint}`);
  }
  return { endpoint, port, close };
}

/** A DynamoDB client for a local endpoint (dummy credentials; the default HTTP/1.1 handler works). */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/**
 * Creates the idempotency table at `endpoint` unless it exists, and waits until it is ACTIVE: safe to
 * call on every start. Throws when a table of that name exists with another key schema. TTL on
 * `expiration` is switched on where the endpoint supports it (DynamoDB Local does, dynalite does not).
 */
export async function ensureIdempotencyTable(endpoint: string, tableName: string): Promise<void> {
  const client = localDynamoDbClient(endpoint);
  try {
    const existing = await describeTable(client, tableName);
    if (existing === undefined) {
      await createTable(client, tableName);
    } else {
      assertKeySchema(tableName, existing.KeySchema);
    }
    await waitUntil(async () => (await describeTable(client, tableName))?.TableStatus === 'ACTIVE', {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: `DynamoDB table ${tableName} to become ACTIVE`,
    });
    await enableTimeToLive(client, tableName);
  } finally {
    client.destroy();
  }
}

const describeTable = async (client: DynamoDBClient, tableName: string) => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

const createTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE_KEY.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE_KEY.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    // Someone else created it between our describe and create: fine, it is checked afterwards.
    if (errorName(error) !== 'ResourceInUseException') throw error;
  }
};

const assertKeySchema = (tableName: string, keySchema: KeySchemaElement[] | undefined): void => {
  const keys = (keySchema ?? []).map(({ AttributeName, KeyType }) => `${AttributeName}:${KeyType}`);
  const expected = `${IDEMPOTENCY_TABLE_KEY.partitionKey}:HASH`;
  if (keys.length !== 1 || keys[0] !== expected) {
    throw new Error(
      `DynamoDB table ${tableName} exists with key schema [${keys.join(', ')}], expected [${expected}]`,
    );
  }
};

const enableTimeToLive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE_KEY.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite knows neither operation; Powertools does not rely on TTL for correctness.
    if (errorName(error) !== 'UnknownOperationException') throw error;
  }
};

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);
