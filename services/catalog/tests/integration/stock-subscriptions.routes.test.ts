// POST and DELETE /products/{id}/stock-subscriptions against real PostgreSQL: one open subscription
// per customer and product (the unique partial index decides races), at the token's email, and a
// customer only ever touches their own.
import type { Product } from '@shop/domain';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { sql } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  CUSTOMER,
  createHarness,
  newProductBody,
  OTHER_CUSTOMER,
  resetCatalog,
} from '../support/harness';

const harness = createHarness();
const { handlers: h } = harness;

afterAll(() => harness.close());
beforeEach(() => resetCatalog(harness));

type Claims = Record<string, unknown>;
interface Subscription {
  productId: string;
  email: string;
}

const create = async () => {
  const res = await invoke<Product>(h.create, {
    method: 'POST',
    path: '/products',
    body: newProductBody({ stock: 0 }),
    claims: ADMIN,
  });
  expect(res.statusCode).toBe(201);
  return res.body;
};

const subscribe = (id: string, claims: Claims = CUSTOMER, body?: unknown) =>
  invoke<Subscription>(h.subscribe, {
    method: 'POST',
    path: `/products/${id}/stock-subscriptions`,
    pathParameters: { id },
    claims,
    ...(body === undefined ? {} : { body }),
  });

const unsubscribe = (id: string, claims: Claims = CUSTOMER) =>
  invoke(h.unsubscribe, {
    method: 'DELETE',
    path: `/products/${id}/stock-subscriptions`,
    pathParameters: { id },
    claims,
  });

const rows = () => harness.db.selectFrom('stock_subscriptions').selectAll().orderBy('created_at').execute();

const fulfil = (productId: string, customerId: string) =>
  harness.db
    .updateTable('stock_subscriptions')
    .set({ fulfilled_at: sql<Date>`now()` })
    .where('product_id', '=', productId)
    .where('customer_id', '=', customerId)
    .where('fulfilled_at', 'is', null)
    .execute();

describe('POST /products/{id}/stock-subscriptions', () => {
  it('opens a subscription at the lower-cased email of the token and answers 201', async () => {
    const product = await create();
    const shopper = claimsOf(
      '00000000-0000-4000-8000-00000000c0aa',
      ['customer'],
      'Alice.Shopper@Example.COM',
    );

    const res = await subscribe(product.id, shopper);

    expect(res.statusCode).toBe(201);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.body).toEqual({ productId: product.id, email: 'alice.shopper@example.com' });
    expect(await rows()).toEqual([
      expect.objectContaining({
        product_id: product.id,
        customer_id: shopper.sub,
        email: 'alice.shopper@example.com',
        fulfilled_at: null,
        fulfilled_by_alert: null,
      }),
    ]);
  });

  it('answers 200 with the same body when the customer repeats it, and keeps one row', async () => {
    const product = await create();
    const first = await subscribe(product.id);
    const before = await rows();

    const again = await subscribe(product.id);

    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await rows()).toEqual(before);
  });

  it('creates exactly one row when two first requests race: one 201, one 200', async () => {
    const products = await Promise.all(Array.from({ length: 8 }, () => create()));

    const pairs = await Promise.all(products.map((p) => Promise.all([subscribe(p.id), subscribe(p.id)])));

    for (const pair of pairs) {
      expect(pair.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      expect(pair[0]!.body).toEqual(pair[1]!.body);
    }
    const stored = await rows();
    expect(stored).toHaveLength(products.length);
    expect(new Set(stored.map((r) => r.product_id)).size).toBe(products.length);
  });

  it('creates exactly one row when many requests of one customer race', async () => {
    const product = await create();

    const results = await Promise.all(Array.from({ length: 10 }, () => subscribe(product.id)));

    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(9);
    expect(await rows()).toHaveLength(1);
  });

  it('moves an open subscription to the address the token carries now', async () => {
    const product = await create();
    await subscribe(product.id);
    const renamed = { ...CUSTOMER, email: 'New.Address@Example.com' };

    const res = await subscribe(product.id, renamed);

    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ productId: product.id, email: 'new.address@example.com' });
    expect((await rows()).map((r) => r.email)).toEqual(['new.address@example.com']);
  });

  it('opens a new subscription once the previous one was fulfilled, keeping the fulfilled one', async () => {
    const product = await create();
    await subscribe(product.id);
    await fulfil(product.id, CUSTOMER.sub);

    const res = await subscribe(product.id);

    expect(res.statusCode).toBe(201);
    const stored = await rows();
    expect(stored).toHaveLength(2);
    expect(stored.filter((r) => r.fulfilled_at === null)).toHaveLength(1);
  });

  it('gives each customer their own subscription and never shows another customer theirs', async () => {
    const product = await create();
    const mine = await subscribe(product.id, CUSTOMER);
    const before = await rows();

    const theirs = await subscribe(product.id, OTHER_CUSTOMER);

    expect(mine.statusCode).toBe(201);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.body).toEqual({ productId: product.id, email: OTHER_CUSTOMER.email });
    const after = await rows();
    expect(after).toHaveLength(2);
    expect(after.find((r) => r.customer_id === CUSTOMER.sub)).toEqual(before[0]);
  });

  it('ignores a body: the address and the customer come from the token only', async () => {
    const product = await create();

    const res = await subscribe(product.id, CUSTOMER, {
      email: 'attacker@evil.example',
      customerId: OTHER_CUSTOMER.sub,
    });

    expect(res.statusCode).toBe(201);
    expect(res.body.email).toBe(CUSTOMER.email);
    expect((await rows()).map((r) => [r.customer_id, r.email])).toEqual([[CUSTOMER.sub, CUSTOMER.email]]);
  });

  it('answers 404 for an archived product and creates nothing', async () => {
    const product = await create();
    await invoke(h.archive, {
      method: 'DELETE',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      claims: ADMIN,
    });

    const res = await subscribe(product.id);

    expect(res.statusCode).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await rows()).toEqual([]);
  });

  it('answers 403 FORBIDDEN naming the email claim for a token without one, and creates nothing', async () => {
    const product = await create();
    const { email: _email, ...withoutEmail } = CUSTOMER;

    const res = await subscribe(product.id, withoutEmail);

    expect(res.statusCode).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN', details: [{ path: 'email' }] } });
    expect(await rows()).toEqual([]);
  });

  it('lets an admin who is also a customer subscribe', async () => {
    const product = await create();
    const adminCustomer = claimsOf('00000000-0000-4000-8000-00000000a0c1', ['admin', 'customer']);
    expect((await subscribe(product.id, adminCustomer)).statusCode).toBe(201);
  });
});

describe('DELETE /products/{id}/stock-subscriptions', () => {
  it('closes the open subscription: 204, the row is gone and a new POST opens a fresh one', async () => {
    const product = await create();
    await subscribe(product.id);

    const res = await unsubscribe(product.id);

    expect(res.statusCode).toBe(204);
    expect(res.rawBody).toBe('');
    expect(await rows()).toEqual([]);
    expect((await subscribe(product.id)).statusCode).toBe(201);
  });

  it('answers 204 when there is nothing to close, every time', async () => {
    const product = await create();
    expect((await unsubscribe(product.id)).statusCode).toBe(204);
    await subscribe(product.id);
    expect((await unsubscribe(product.id)).statusCode).toBe(204);
    expect((await unsubscribe(product.id)).statusCode).toBe(204);
    expect(await rows()).toEqual([]);
  });

  it("never touches another customer's subscription", async () => {
    const product = await create();
    await subscribe(product.id, OTHER_CUSTOMER);
    const before = await rows();

    const res = await unsubscribe(product.id, CUSTOMER);

    expect(res.statusCode).toBe(204);
    expect(await rows()).toEqual(before);
  });

  it('closes only the open subscription and keeps the fulfilled ones', async () => {
    const product = await create();
    await subscribe(product.id);
    await fulfil(product.id, CUSTOMER.sub);
    await subscribe(product.id);

    expect((await unsubscribe(product.id)).statusCode).toBe(204);

    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.fulfilled_at).not.toBeNull();
  });

  it('still closes a subscription once the product is archived', async () => {
    const product = await create();
    await subscribe(product.id);
    await invoke(h.archive, {
      method: 'DELETE',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      claims: ADMIN,
    });

    expect((await unsubscribe(product.id)).statusCode).toBe(204);
    expect(await rows()).toEqual([]);
  });

  it('answers 404 for an unknown product', async () => {
    const res = await unsubscribe('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50');
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
