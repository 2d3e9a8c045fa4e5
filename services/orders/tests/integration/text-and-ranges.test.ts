// Classes of bad input that used to reach PostgreSQL and come back as 500 (issue 10), through the
// real orders handlers: control characters and unpaired surrogates in the shipping address,
// cursors past 64 bits; and a cancellation that must work even when stock is at its maximum.
import { PRODUCT_LIMITS } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  address,
  CUSTOMER,
  createHarness,
  insertProduct,
  resetOrders,
  snapshot,
  stockOf,
} from '../support/harness';

const harness = createHarness();
const { db, handlers: h } = harness;
afterAll(() => harness.close());
beforeEach(() => resetOrders(db));

const place = (productId: string, shippingAddress: Record<string, unknown> = address) =>
  invoke<{ id: string; status: string; error?: { code: string; details: { path: string }[] } }>(h.place, {
    method: 'POST',
    path: '/orders',
    body: { items: [{ productId, quantity: 100 }], shippingAddress },
    claims: CUSTOMER,
  });

describe('the shipping address', () => {
  it.each([
    ['line1', 'NUL', '1 Main St\u0000'],
    ['name', 'a newline', 'Ada\nLovelace'],
    ['city', 'DEL', 'Lon\u007fdon'],
    ['line2', 'an unpaired surrogate', 'Flat \udbff'],
    ['region', 'ESC', '\u001b[31mred'],
  ])('refuses %s with %s, and nothing changes', async (field, _, value) => {
    const product = await insertProduct(db, { stock: 500 });
    const before = await snapshot(db);

    const res = await place(product, { ...address, [field]: value });

    expect(res.statusCode).toBe(400);
    expect(res.body.error?.details.map((d) => d.path)).toContain(`shippingAddress.${field}`);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('order lists', () => {
  it('refuses a cursor past the largest bigint with 400', async () => {
    const cursor = Buffer.from('o1.9223372036854775808').toString('base64url');
    const res = await invoke(h.list, { method: 'GET', path: '/orders', query: { cursor }, claims: CUSTOMER });
    expect(res.statusCode).toBe(400);
  });
});

describe('cancelling', () => {
  it('gives the units back even when an admin restocked to the maximum meanwhile', async () => {
    const product = await insertProduct(db, { stock: 500 });
    const order = await place(product);
    expect(order.statusCode).toBe(201);
    await db
      .updateTable('products')
      .set({ stock: PRODUCT_LIMITS.maxStock })
      .where('id', '=', product)
      .execute();

    const res = await invoke<{ status: string }>(h.cancel, {
      method: 'POST',
      path: `/orders/${order.body.id}/cancel`,
      pathParameters: { id: order.body.id },
      claims: ADMIN,
    });

    expect(res.statusCode).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await stockOf(db, product)).toBe(PRODUCT_LIMITS.maxStock + 100);
  });
});
