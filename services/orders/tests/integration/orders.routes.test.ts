import type { Order } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { sql } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  address,
  CUSTOMER,
  createHarness,
  eventsOf,
  insertProduct,
  OTHER_CUSTOMER,
  resetOrders,
  snapshot,
  stockOf,
} from '../support/harness';

const harness = createHarness();
const { handlers: h, db } = harness;

afterAll(() => harness.close());
beforeEach(() => resetOrders(db));

type Claims = Record<string, unknown>;
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown>[] };
}

const place = (items: { productId: string; quantity: number }[], claims: Claims = CUSTOMER) =>
  invoke<Order & ErrorBody>(h.place, {
    method: 'POST',
    path: '/orders',
    body: { items, shippingAddress: address },
    claims,
  });

const placed = async (items: { productId: string; quantity: number }[], claims: Claims = CUSTOMER) => {
  const res = await place(items, claims);
  expect(res.statusCode, res.rawBody).toBe(201);
  return res.body as Order;
};

const get = (id: string, claims: Claims) =>
  invoke<Order & ErrorBody>(h.get, { method: 'GET', path: `/orders/${id}`, pathParameters: { id }, claims });

const cancel = (id: string, claims: Claims) =>
  invoke<Order & ErrorBody>(h.cancel, {
    method: 'POST',
    path: `/orders/${id}/cancel`,
    pathParameters: { id },
    claims,
  });

const setStatus = (id: string, status: string, claims: Claims = ADMIN) =>
  invoke<Order & ErrorBody>(h.updateStatus, {
    method: 'POST',
    path: `/orders/${id}/status`,
    pathParameters: { id },
    body: { status },
    claims,
  });

const list = (claims: Claims, query: Record<string, string> = {}) =>
  invoke<{ items: Order[]; nextCursor: string | null } & ErrorBody>(h.list, {
    method: 'GET',
    path: '/orders',
    query,
    claims,
  });

describe('POST /orders', () => {
  it('places an order at catalog prices, takes the stock and answers 201 with Location', async () => {
    const mug = await insertProduct(db, { stock: 10, priceAmount: 1299 });
    const tee = await insertProduct(db, { stock: 3, priceAmount: 1999 });
    const res = await place([
      { productId: tee, quantity: 3 },
      { productId: mug, quantity: 2 },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/orders/${res.body.id}`);
    expect(res.body).toMatchObject({
      customerId: CUSTOMER.sub,
      status: 'placed',
      items: [
        {
          productId: tee,
          quantity: 3,
          unitPrice: { amount: 1999, currency: 'USD' },
          lineTotal: { amount: 5997, currency: 'USD' },
        },
        {
          productId: mug,
          quantity: 2,
          unitPrice: { amount: 1299, currency: 'USD' },
          lineTotal: { amount: 2598, currency: 'USD' },
        },
      ],
      total: { amount: 8595, currency: 'USD' },
      shippingAddress: address,
    });
    expect(res.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await stockOf(db, tee)).toBe(0);
    expect(await stockOf(db, mug)).toBe(8);
    const [event] = await eventsOf(db, tee);
    expect(event).toEqual({
      schemaVersion: 1,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'StockChanged',
      occurredAt: expect.stringMatching(/Z$/),
      productId: tee,
      sku: res.body.items[0]!.sku,
      previousStock: 3,
      newStock: 0,
      delta: -3,
      lowStockThreshold: 5,
      reason: 'order',
      orderId: res.body.id,
      correlationId: expect.any(String),
    });
    const outbox = await db.selectFrom('outbox').select(['id', 'payload']).execute();
    expect(outbox).toHaveLength(2);
    for (const row of outbox) expect((row.payload as { id: string }).id).toBe(row.id);
  });

  it('takes every price from the catalog at placement time', async () => {
    const product = await insertProduct(db, { priceAmount: 500 });
    const first = await placed([{ productId: product, quantity: 1 }]);
    await db.updateTable('products').set({ price_amount: 700 }).where('id', '=', product).execute();
    const second = await placed([{ productId: product, quantity: 1 }]);
    expect(first.total.amount).toBe(500);
    expect(second.total.amount).toBe(700);
    expect((await get(first.id, CUSTOMER)).body.total.amount).toBe(500);
  });

  it('answers 409 INSUFFICIENT_STOCK listing every short line, and changes nothing', async () => {
    const plenty = await insertProduct(db, { stock: 50 });
    const few = await insertProduct(db, { stock: 2 });
    const none = await insertProduct(db, { stock: 0 });
    const before = await snapshot(db);
    const res = await place([
      { productId: plenty, quantity: 5 },
      { productId: few, quantity: 3 },
      { productId: none, quantity: 1 },
    ]);
    expect(res.statusCode).toBe(409);
    expect(res.body.error.code).toBe('INSUFFICIENT_STOCK');
    expect(res.body.error.details).toEqual([
      { productId: few, requested: 3, available: 2 },
      { productId: none, requested: 1, available: 0 },
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('answers 400 naming unknown and archived products, and changes nothing', async () => {
    const active = await insertProduct(db);
    const archived = await insertProduct(db, { status: 'archived' });
    const before = await snapshot(db);
    const res = await place([
      { productId: active, quantity: 1 },
      { productId: archived, quantity: 1 },
      { productId: '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50', quantity: 1 },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details?.map((d) => d.path)).toEqual(['items.1.productId', 'items.2.productId']);
    expect(await snapshot(db)).toEqual(before);
  });

  it('undoes everything when the stock goes between its check and its lock', async () => {
    const product = await insertProduct(db, { stock: 5 });
    const other = await insertProduct(db, { stock: 5 });
    const before = await snapshot(db);
    // Hold the product's row lock, let the order pass its check and queue behind the lock, then
    // sell the stock elsewhere before letting go.
    const holder = createHarness({ poolSize: 1 });
    let answer: Promise<Awaited<ReturnType<typeof place>>> | undefined;
    await holder.db.transaction().execute(async (trx) => {
      await sql`select 1 from products where id = ${product} for update`.execute(trx);
      answer = place([
        { productId: other, quantity: 1 },
        { productId: product, quantity: 2 },
      ]);
      await expect
        .poll(
          async () =>
            (
              await sql<{ waiting: number }>`
                select count(*)::int as waiting from pg_stat_activity
                 where wait_event_type = 'Lock' and query like '%place_customer_order%'`.execute(db)
            ).rows[0]!.waiting,
          { timeout: 5_000, interval: 20 },
        )
        .toBe(1);
      await sql`update products set stock = 1 where id = ${product}`.execute(trx);
    });
    await holder.close();
    const res = await answer!;
    expect(res.statusCode).toBe(409);
    expect(res.body.error.details).toEqual([{ productId: product, requested: 2, available: 1 }]);
    const after = await snapshot(db);
    expect(after.orders).toEqual([]);
    expect(after.items).toEqual([]);
    expect(after.outbox).toEqual(before.outbox);
    expect(await stockOf(db, other)).toBe(5);
  });

  it('places an order in one database round trip', async () => {
    const a = await insertProduct(db);
    const b = await insertProduct(db);
    const before = harness.queries();
    await placed([
      { productId: a, quantity: 1 },
      { productId: b, quantity: 1 },
    ]);
    expect(harness.queries() - before).toBe(1);
  });

  it('forbids admins who are not customers from placing orders', async () => {
    const product = await insertProduct(db);
    const res = await place([{ productId: product, quantity: 1 }], ADMIN);
    expect(res.statusCode).toBe(403);
  });
});

describe('GET /orders/{id} and GET /orders', () => {
  it("shows an order to its customer and admins, and is 404 for anyone else's", async () => {
    const product = await insertProduct(db);
    const order = await placed([{ productId: product, quantity: 1 }]);
    expect((await get(order.id, CUSTOMER)).body).toEqual(order);
    expect((await get(order.id, ADMIN)).body).toEqual(order);
    const other = await get(order.id, OTHER_CUSTOMER);
    expect(other.statusCode).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await get('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50', ADMIN)).statusCode).toBe(404);
  });

  it('lists only the caller’s own orders, newest first, page by page', async () => {
    const product = await insertProduct(db, { stock: 100 });
    const mine = [];
    for (let i = 0; i < 5; i += 1) mine.push(await placed([{ productId: product, quantity: 1 }]));
    await placed([{ productId: product, quantity: 1 }], OTHER_CUSTOMER);

    const first = await list(CUSTOMER, { limit: '2' });
    expect(first.statusCode).toBe(200);
    expect(first.body.items.map((o) => o.id)).toEqual([mine[4]!.id, mine[3]!.id]);
    const second = await list(CUSTOMER, { limit: '2', cursor: first.body.nextCursor! });
    expect(second.body.items.map((o) => o.id)).toEqual([mine[2]!.id, mine[1]!.id]);
    const third = await list(CUSTOMER, { limit: '2', cursor: second.body.nextCursor! });
    expect(third.body.items.map((o) => o.id)).toEqual([mine[0]!.id]);
    expect(third.body.nextCursor).toBeNull();
  });

  it('lets admins list every order and filter by customer and status', async () => {
    const product = await insertProduct(db, { stock: 100 });
    const a = await placed([{ productId: product, quantity: 1 }]);
    const b = await placed([{ productId: product, quantity: 1 }], OTHER_CUSTOMER);
    await cancel(a.id, CUSTOMER);

    expect((await list(ADMIN)).body.items.map((o) => o.id)).toEqual([b.id, a.id]);
    expect((await list(ADMIN, { customerId: OTHER_CUSTOMER.sub })).body.items.map((o) => o.id)).toEqual([
      b.id,
    ]);
    expect((await list(ADMIN, { status: 'cancelled' })).body.items.map((o) => o.id)).toEqual([a.id]);
    expect((await list(CUSTOMER, { status: 'placed' })).body.items).toEqual([]);
    const snooping = await list(CUSTOMER, { customerId: OTHER_CUSTOMER.sub });
    expect(snooping.statusCode).toBe(403);
  });
});

describe('POST /orders/{id}/cancel', () => {
  it('restocks every line, writes cancellation events and answers the cancelled order', async () => {
    const a = await insertProduct(db, { stock: 5 });
    const b = await insertProduct(db, { stock: 5 });
    const order = await placed([
      { productId: a, quantity: 2 },
      { productId: b, quantity: 5 },
    ]);
    const res = await cancel(order.id, CUSTOMER);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ id: order.id, status: 'cancelled', items: order.items });
    expect(await stockOf(db, a)).toBe(5);
    expect(await stockOf(db, b)).toBe(5);
    const events = await eventsOf(db, b);
    expect(events.map((e) => [e.reason, e.delta, e.previousStock, e.newStock, e.orderId])).toEqual([
      ['order', -5, 5, 0, order.id],
      ['cancellation', 5, 0, 5, order.id],
    ]);
  });

  it('answers a cancelled order unchanged when cancelled again, without new events', async () => {
    const product = await insertProduct(db);
    const order = await placed([{ productId: product, quantity: 1 }]);
    const first = await cancel(order.id, ADMIN);
    const before = await snapshot(db);
    const again = await cancel(order.id, CUSTOMER);
    expect(again.statusCode).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await snapshot(db)).toEqual(before);
  });

  it("is 404 for another customer's order and changes nothing", async () => {
    const product = await insertProduct(db);
    const order = await placed([{ productId: product, quantity: 1 }]);
    const before = await snapshot(db);
    const res = await cancel(order.id, OTHER_CUSTOMER);
    expect(res.statusCode).toBe(404);
    expect(await snapshot(db)).toEqual(before);
  });

  it('answers 409 INVALID_STATE once the order has shipped', async () => {
    const product = await insertProduct(db);
    const order = await placed([{ productId: product, quantity: 1 }]);
    expect((await setStatus(order.id, 'shipped')).statusCode).toBe(200);
    const before = await snapshot(db);
    const res = await cancel(order.id, CUSTOMER);
    expect(res.statusCode).toBe(409);
    expect(res.body.error.code).toBe('INVALID_STATE');
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('POST /orders/{id}/status', () => {
  it('moves an order placed -> shipped -> delivered', async () => {
    const product = await insertProduct(db);
    const order = await placed([{ productId: product, quantity: 1 }]);
    const shipped = await setStatus(order.id, 'shipped');
    expect(shipped.statusCode).toBe(200);
    expect(shipped.body).toMatchObject({ id: order.id, status: 'shipped', items: order.items });
    expect(shipped.body.updatedAt >= order.updatedAt).toBe(true);
    const delivered = await setStatus(order.id, 'delivered');
    expect(delivered.body.status).toBe('delivered');
    expect((await get(order.id, CUSTOMER)).body.status).toBe('delivered');
  });

  it.each([
    ['placed', 'delivered'],
    ['delivered', 'shipped'],
    ['cancelled', 'shipped'],
  ])('answers 409 INVALID_STATE for %s -> %s and changes nothing', async (from, to) => {
    const product = await insertProduct(db);
    const order = await placed([{ productId: product, quantity: 1 }]);
    if (from === 'delivered') {
      await setStatus(order.id, 'shipped');
      await setStatus(order.id, 'delivered');
    }
    if (from === 'cancelled') await cancel(order.id, CUSTOMER);
    const before = await snapshot(db);
    const res = await setStatus(order.id, to);
    expect(res.statusCode).toBe(409);
    expect(res.body.error.code).toBe('INVALID_STATE');
    expect(await snapshot(db)).toEqual(before);
  });

  it('is 404 for an unknown order', async () => {
    expect((await setStatus('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50', 'shipped')).statusCode).toBe(404);
  });
});
