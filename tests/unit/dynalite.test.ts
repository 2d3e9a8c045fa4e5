// scripts/lib/dynalite.ts against dynalite itself: the stand-in starts in memory on a free port,
// and the idempotency table is created once, with the key Powertools' DynamoDB layer uses.
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type DynaliteServer,
  ensureIdempotencyTable,
  localDynamoDbClient,
  startDynalite,
} from '../../scripts/lib/dynalite';
import { isPortFree } from '../../scripts/lib/ports';

let dynamo: DynaliteServer;

beforeAll(async () => {
  dynamo = await startDynalite({ port: 0 });
});

afterAll(async () => {
  await dynamo?.close();
});

describe('startDynalite', () => {
  test('listens on 127.0.0.1 on the port the OS gave', () => {
    expect(dynamo.port).toBeGreaterThan(0);
    expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
  });

  test('releases its port on close', async () => {
    // Prepare
    const other = await startDynalite({ port: 0 });

    // Act
    await other.close();

    // Assess
    expect(await isPortFree(other.port)).toBe(true);
  });
});

describe('ensureIdempotencyTable', () => {
  test('creates an ACTIVE table keyed by the string `id`, and is safe to call again', async () => {
    // Act
    await ensureIdempotencyTable(dynamo.endpoint, 'idempotency-a');
    await ensureIdempotencyTable(dynamo.endpoint, 'idempotency-a');

    // Assess
    const client = localDynamoDbClient(dynamo.endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'idempotency-a' }));
    client.destroy();
    expect(Table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    });
  });

  test('refuses a table of that name with another key', async () => {
    // Prepare
    const client = localDynamoDbClient(dynamo.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: 'idempotency-b',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();

    // Act
    const ensure = ensureIdempotencyTable(dynamo.endpoint, 'idempotency-b');

    // Assess
    await expect(ensure).rejects.toThrow('exists with key schema [pk:HASH], expected [id:HASH]');
  });
});
