// The idempotency guard against a real DynamoDB API: dynalite in this process, the table created
// by scripts/lib/dynalite.ts, and the persistence layer configured from the environment exactly as
// a deployed function is (IDEMPOTENCY_TABLE, DYNAMODB_ENDPOINT).
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { InsufficientStockError } from '@shop/domain';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { localDynamoDbClient } from '../../../../scripts/lib/dynalite';
import { useIdempotencyTable } from '../../../../scripts/test/dynalite.fixture';
import { createHttpHandler } from '../../src/http-handler';
import { created, type HttpResponse } from '../../src/http-response';
import { idempotent } from '../../src/idempotency.guard';
import { logger } from '../../src/observability';
import { type ApiRequest, claimsOf, invoke } from '../../src/testing';

const TABLE = 'shop-idempotency-test';
const ALICE = claimsOf('alice-sub', ['customer']);
const BOB = claimsOf('bob-sub', ['customer']);
const basket = z.strictObject({ sku: z.string(), quantity: z.number().int().positive() });
type Basket = z.infer<typeof basket>;

const dynamo = useIdempotencyTable(TABLE);

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

let orderNumber = 0;
const newOrder = async (body: Basket): Promise<HttpResponse> => {
  orderNumber += 1;
  const id = `order-${orderNumber}`;
  return created({ id, ...body }, `/orders/${id}`, { ETag: `"${orderNumber}"` });
};

/** POST /orders with the guard's defaults: the DynamoDB store from the environment. */
const orderRoute = (work: (body: Basket) => Promise<HttpResponse> = newOrder) => {
  const runs = vi.fn(work);
  const handler = createHttpHandler(
    { access: 'customer', body: basket, idempotency: idempotent() },
    async ({ body }) => runs(body),
  );
  return { handler, runs };
};

const placeOrder = (key: string | undefined, body: unknown = { sku: 'A-1', quantity: 2 }): ApiRequest => ({
  method: 'POST',
  path: '/orders',
  headers: key === undefined ? {} : { 'Idempotency-Key': key },
  body,
  claims: ALICE,
});

describe('idempotent() on dynalite', () => {
  it('replays the first response with Idempotent-Replayed, running the handler once', async () => {
    // Prepare
    const { handler, runs } = orderRoute();
    const key = randomUUID();

    // Act
    const first = await invoke(handler, placeOrder(key));
    const replay = await invoke(handler, placeOrder(key));

    // Assess
    expect(runs).toHaveBeenCalledTimes(1);
    expect(first.statusCode).toBe(201);
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    expect(replay.statusCode).toBe(201);
    expect(replay.rawBody).toBe(first.rawBody);
    expect(replay.headers).toMatchObject({
      location: first.headers.location,
      etag: first.headers.etag,
      'idempotent-replayed': 'true',
    });
    expect(replay.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('stores a completed record for 24 hours, keyed by a hash, with the request hash to compare', async () => {
    // Prepare
    const { handler } = orderRoute();
    const key = randomUUID();
    const before = Math.floor(Date.now() / 1000);

    // Act
    const first = await invoke(handler, placeOrder(key));

    // Assess
    const items = await storedItems();
    const item = items.find((candidate) => candidate.data?.headers?.Location === first.headers.location);
    expect(item).toMatchObject({
      status: 'COMPLETED',
      data: { statusCode: 201, body: first.rawBody },
      validation: expect.any(String),
      in_progress_expiration: expect.any(Number),
    });
    expect(item?.id).toMatch(/^#[A-Za-z0-9+/=]{44}$/);
    expect(item?.expiration).toBeGreaterThanOrEqual(before + 86_400);
    expect(item?.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 86_400);
    expect(JSON.stringify(item)).not.toContain(key);
  });

  it('50 concurrent requests with one key: one run; the rest get the replay or 409, later ones the replay', async () => {
    // Prepare
    const { handler, runs } = orderRoute(async (body) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return newOrder(body);
    });
    const key = randomUUID();

    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => invoke(handler, placeOrder(key))));
    const later = await Promise.all(Array.from({ length: 10 }, () => invoke(handler, placeOrder(key))));

    // Assess
    expect(runs).toHaveBeenCalledTimes(1);
    const original = results.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']);
    expect(original).toHaveLength(1);
    const conflicts = results.filter((r) => r.statusCode === 409);
    expect(conflicts.length).toBeGreaterThan(0);
    for (const conflict of conflicts) {
      expect(conflict.headers['retry-after']).toBe('1');
      expect(conflict.body).toMatchObject({ error: { code: 'CONFLICT' } });
    }
    for (const result of [...results.filter((r) => r.statusCode !== 409), ...later]) {
      expect(result.statusCode).toBe(201);
      expect(result.rawBody).toBe(original[0]?.rawBody);
    }
    for (const result of later) {
      expect(result.headers['idempotent-replayed']).toBe('true');
    }
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key with another body', async () => {
    const { handler, runs } = orderRoute();
    const key = randomUUID();

    await invoke(handler, placeOrder(key, { sku: 'A-1', quantity: 2 }));
    const reused = await invoke(handler, placeOrder(key, { sku: 'A-1', quantity: 5 }));

    expect(reused.statusCode).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it('keeps the same key of different callers independent', async () => {
    const { handler, runs } = orderRoute();
    const key = randomUUID();

    const alice = await invoke(handler, placeOrder(key));
    const bob = await invoke(handler, { ...placeOrder(key, { sku: 'B-2', quantity: 1 }), claims: BOB });

    expect(runs).toHaveBeenCalledTimes(2);
    expect(alice.statusCode).toBe(201);
    expect(bob.statusCode).toBe(201);
    expect(bob.headers).not.toHaveProperty('idempotent-replayed');
    expect(bob.rawBody).not.toBe(alice.rawBody);
  });

  it('rejects a malformed key with 400 and runs nothing', async () => {
    const { handler, runs } = orderRoute();

    const result = await invoke(handler, placeOrder('k'.repeat(256)));

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'headers.idempotency-key' }] },
    });
    expect(runs).not.toHaveBeenCalled();
  });

  it('does not store a failed request: a retry runs again', async () => {
    // Prepare
    const { handler, runs } = orderRoute(async (body) => {
      if (runs.mock.calls.length === 1) {
        throw new InsufficientStockError([{ productId: 'p-1', requested: 2, available: 1 }]);
      }
      return newOrder(body);
    });
    const key = randomUUID();

    // Act
    const failed = await invoke(handler, placeOrder(key));
    const retried = await invoke(handler, placeOrder(key));

    // Assess
    expect(failed.statusCode).toBe(409);
    expect(failed.body).toMatchObject({ error: { code: 'INSUFFICIENT_STOCK' } });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers).not.toHaveProperty('idempotent-replayed');
    expect(runs).toHaveBeenCalledTimes(2);
  });

  it('runs every time without the header', async () => {
    const { handler, runs } = orderRoute();

    const first = await invoke(handler, placeOrder(undefined));
    const second = await invoke(handler, placeOrder(undefined));

    expect(runs).toHaveBeenCalledTimes(2);
    expect(second.rawBody).not.toBe(first.rawBody);
  });

  it('answers 503 with Retry-After and runs nothing when the store fails before the handler', async () => {
    // Prepare: the store is read at the route's first invocation.
    vi.stubEnv('IDEMPOTENCY_TABLE', 'no-such-table');
    const { handler, runs } = orderRoute();

    // Act
    const result = await invoke(handler, placeOrder(randomUUID())).finally(() =>
      vi.stubEnv('IDEMPOTENCY_TABLE', TABLE),
    );

    // Assess
    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('1');
    expect(runs).not.toHaveBeenCalled();
  });
});

type StoredItem = Record<string, unknown> & {
  id?: string;
  status?: string;
  expiration?: number;
  in_progress_expiration?: number;
  validation?: string;
  data?: { statusCode?: number; headers?: Record<string, string>; body?: string };
};

const storedItems = async (): Promise<StoredItem[]> => {
  const client = DynamoDBDocumentClient.from(localDynamoDbClient(dynamo().endpoint));
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLE }));
    return Items as StoredItem[];
  } finally {
    client.destroy();
  }
};
