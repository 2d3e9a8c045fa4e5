// Idempotency-Key on POST /orders against dynalite (DynamoDB API) and real PostgreSQL: a retried
// order is placed once, whatever the timing of the retries.
import type { Order } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { useIdempotencyTable } from '../../../../scripts/test/dynalite.fixture';
import {
  address,
  CUSTOMER,
  createHarness,
  insertProduct,
  OTHER_CUSTOMER,
  resetOrders,
  stockOf,
} from '../support/harness';

const TABLE = 'shop-orders-idempotency-test';
const harness = createHarness({ poolSize: 8 });
useIdempotencyTable(TABLE);
afterAll(() => harness.close());
beforeEach(() => resetOrders(harness.db));

const place = (body: unknown, key: string, claims = CUSTOMER) =>
  invoke<Order & { error?: { code: string } }>(harness.handlers.place, {
    method: 'POST',
    path: '/orders',
    body,
    claims,
    headers: { 'idempotency-key': key },
  });

const orderCount = async () =>
  Number(
    (
      await harness.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /orders with Idempotency-Key', () => {
  it('places one order for 50 concurrent requests with one key; replays carry the same body', async () => {
    const productId = await insertProduct(harness.db, { stock: 100 });
    const body = { items: [{ productId, quantity: 2 }], shippingAddress: address };

    const first = await Promise.all(Array.from({ length: 50 }, () => place(body, 'basket-1')));
    const created = first.filter((r) => r.statusCode === 201);
    const inProgress = first.filter((r) => r.statusCode === 409);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.length + inProgress.length).toBe(50);
    for (const r of inProgress) {
      expect(r.body.error?.code).toBe('CONFLICT');
      expect(r.headers['retry-after']).toMatch(/^\d+$/);
    }
    const orderId = created.find((r) => r.headers['idempotent-replayed'] === undefined)?.body.id;
    expect(orderId).toBeDefined();
    for (const r of created) expect(r.body.id).toBe(orderId);

    // Once the first has finished, every retry replays it.
    const retries = await Promise.all(Array.from({ length: 10 }, () => place(body, 'basket-1')));
    for (const r of retries) {
      expect(r.statusCode).toBe(201);
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(r.body.id).toBe(orderId);
      expect(r.headers.location).toBe(`/orders/${orderId}`);
    }
    expect(await orderCount()).toBe(1);
    expect(await stockOf(harness.db, productId)).toBe(98);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, and changes nothing', async () => {
    const productId = await insertProduct(harness.db, { stock: 10 });
    expect(
      (await place({ items: [{ productId, quantity: 1 }], shippingAddress: address }, 'k-2')).statusCode,
    ).toBe(201);
    const reused = await place({ items: [{ productId, quantity: 3 }], shippingAddress: address }, 'k-2');
    expect(reused.statusCode).toBe(422);
    expect(reused.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await orderCount()).toBe(1);
    expect(await stockOf(harness.db, productId)).toBe(9);
  });

  it('scopes keys to the caller: two customers with one key get two orders', async () => {
    const productId = await insertProduct(harness.db, { stock: 10 });
    const body = { items: [{ productId, quantity: 1 }], shippingAddress: address };
    const mine = await place(body, 'shared-key');
    const theirs = await place(body, 'shared-key', OTHER_CUSTOMER);
    expect(mine.statusCode).toBe(201);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('does not remember a refused order: after a restock the same key places it', async () => {
    const productId = await insertProduct(harness.db, { stock: 1 });
    const body = { items: [{ productId, quantity: 2 }], shippingAddress: address };
    expect((await place(body, 'k-short')).statusCode).toBe(409);
    await harness.db.updateTable('products').set({ stock: 5 }).where('id', '=', productId).execute();
    const again = await place(body, 'k-short');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects a malformed key with 400 and places nothing', async () => {
    const productId = await insertProduct(harness.db, { stock: 10 });
    const res = await place(
      { items: [{ productId, quantity: 1 }], shippingAddress: address },
      'x'.repeat(256),
    );
    expect(res.statusCode).toBe(400);
    expect(await orderCount()).toBe(0);
  });
});
