// Per-customer limits (api.md "Per-customer limits", docs/limits.md) through the real handlers on
// real PostgreSQL: a customer past a limit gets 429 RATE_LIMITED with Retry-After and nothing
// changes; the limits hold when 50 requests arrive at once; other customers and admins are not held.
import { randomUUID } from 'node:crypto';
import type { Order } from '@shop/domain';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { sql } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  address,
  createHarness,
  insertProduct,
  resetOrders,
  snapshot,
  stockOf,
} from '../support/harness';

const harness = createHarness({
  poolSize: 12,
  limits: { maxWritesPerWindow: 6, windowSeconds: 60, maxOpenOrders: 3 },
});
const { db, handlers: h } = harness;
afterAll(() => harness.close());
beforeEach(() => resetOrders(db));

type Body = Order & { error?: { code: string; message: string } };
const newCustomer = () => claimsOf(randomUUID(), ['customer']);

const place = (claims: Record<string, unknown>, productId: string, quantity = 1) =>
  invoke<Body>(h.place, {
    method: 'POST',
    path: '/orders',
    body: { items: [{ productId, quantity }], shippingAddress: address },
    claims,
  });

const cancel = (claims: Record<string, unknown>, id: string) =>
  invoke<Body>(h.cancel, { method: 'POST', path: `/orders/${id}/cancel`, pathParameters: { id }, claims });

const expectRateLimited = (res: Awaited<ReturnType<typeof place>>, message: RegExp) => {
  expect(res.statusCode).toBe(429);
  expect(res.body.error?.code).toBe('RATE_LIMITED');
  expect(res.body.error?.message).toMatch(message);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
};

describe('open orders per customer', () => {
  it('refuses the order past the limit with 429 and changes nothing', async () => {
    const customer = newCustomer();
    const product = await insertProduct(db, { stock: 50 });
    for (let i = 0; i < 3; i += 1) expect((await place(customer, product)).statusCode).toBe(201);
    const before = await snapshot(db);

    const refused = await place(customer, product);

    expectRateLimited(refused, /open orders/);
    expect(await snapshot(db)).toEqual(before);
  });

  it('makes room again when one of the open orders is cancelled or shipped', async () => {
    const customer = newCustomer();
    const product = await insertProduct(db, { stock: 50 });
    const orders = [];
    for (let i = 0; i < 3; i += 1) orders.push((await place(customer, product)).body.id);
    expect((await place(customer, product)).statusCode).toBe(429);

    expect((await cancel(customer, orders[0]!)).statusCode).toBe(200);
    expect((await place(customer, product)).statusCode).toBe(201);
    const shipped = await invoke(h.updateStatus, {
      method: 'POST',
      path: `/orders/${orders[1]}/status`,
      pathParameters: { id: orders[1]! },
      body: { status: 'shipped' },
      claims: ADMIN,
    });
    expect(shipped.statusCode).toBe(200);
    expect((await place(customer, product)).statusCode).toBe(201);
  });

  it('holds when 50 orders of one customer arrive at once: exactly 3 placed', async () => {
    const customer = newCustomer();
    const product = await insertProduct(db, { stock: 100 });

    const answers = await Promise.all(Array.from({ length: 50 }, () => place(customer, product)));

    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([...Array<number>(3).fill(201), ...Array<number>(47).fill(429)]);
    expect(await stockOf(db, product)).toBe(97);
    const open = await db.selectFrom('orders').select('id').where('customer_id', '=', customer.sub).execute();
    expect(open).toHaveLength(3);
  });

  it('does not hold other customers back', async () => {
    const busy = newCustomer();
    const product = await insertProduct(db, { stock: 50 });
    for (let i = 0; i < 3; i += 1) await place(busy, product);
    expect((await place(busy, product)).statusCode).toBe(429);

    expect((await place(newCustomer(), product)).statusCode).toBe(201);
  });
});

describe('order writes per customer and window', () => {
  it('refuses the write past the limit (place and cancel count alike) and changes nothing', async () => {
    const customer = newCustomer();
    const product = await insertProduct(db, { stock: 50 });
    // 6 accepted writes: place, cancel, place, cancel, place, cancel.
    for (let i = 0; i < 3; i += 1) {
      const placed = await place(customer, product);
      expect(placed.statusCode).toBe(201);
      expect((await cancel(customer, placed.body.id)).statusCode).toBe(200);
    }
    const before = await snapshot(db);

    const refused = await place(customer, product);

    expectRateLimited(refused, /Too many order changes/);
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a cancellation past the limit, and the order stays placed', async () => {
    const customer = newCustomer();
    const product = await insertProduct(db, { stock: 50 });
    const orders: string[] = [];
    for (let i = 0; i < 3; i += 1) orders.push((await place(customer, product)).body.id);
    for (let i = 0; i < 3; i += 1) await cancel(customer, orders[i]!);
    const kept = (await place(newCustomer(), product)).body.id;
    // Writes of another customer never count; an admin cancelling is not limited either.
    const before = await snapshot(db);
    expectRateLimited(await place(customer, product), /Too many order changes/);
    expect(await snapshot(db)).toEqual(before);
    expect((await cancel(ADMIN, kept)).statusCode).toBe(200);
  });

  it('counts only accepted writes: refused orders do not use the allowance', async () => {
    const customer = newCustomer();
    const soldOut = await insertProduct(db, { stock: 0 });
    const product = await insertProduct(db, { stock: 50 });
    for (let i = 0; i < 10; i += 1) expect((await place(customer, soldOut)).statusCode).toBe(409);

    expect((await place(customer, product)).statusCode).toBe(201);
  });

  it('lets the customer write again once the oldest write leaves the window', async () => {
    const customer = newCustomer();
    const product = await insertProduct(db, { stock: 50 });
    for (let i = 0; i < 3; i += 1) {
      const placed = await place(customer, product);
      await cancel(customer, placed.body.id);
    }
    expect((await place(customer, product)).statusCode).toBe(429);
    // Move the customer's writes back in time instead of waiting a minute.
    await sql`update customer_order_writes set at = at - interval '61 seconds'
               where customer_id = ${customer.sub}::uuid`.execute(db);

    expect((await place(customer, product)).statusCode).toBe(201);
    // The writes that left the window were forgotten when the new one was recorded.
    const rows = await db
      .selectFrom('customer_order_writes')
      .selectAll()
      .where('customer_id', '=', customer.sub)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('holds when 50 place-and-cancel requests of one customer arrive at once', async () => {
    const limited = createHarness({
      poolSize: 12,
      limits: { maxWritesPerWindow: 7, windowSeconds: 60, maxOpenOrders: 1_000 },
    });
    try {
      const customer = newCustomer();
      const product = await insertProduct(db, { stock: 1_000 });
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          invoke<Body>(limited.handlers.place, {
            method: 'POST',
            path: '/orders',
            body: { items: [{ productId: product, quantity: 1 }], shippingAddress: address },
            claims: customer,
          }),
        ),
      );
      expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(7);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(43);
      expect(await stockOf(db, product)).toBe(993);
    } finally {
      await limited.close();
    }
  });
});
