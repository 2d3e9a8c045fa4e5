// Placing and cancelling an order change stock and bump the products' versions: right after the
// commit the catalog's cache (real Redis, layout of @shop/catalog-cache) must stop serving the old
// product, and a catalog reader still holding the old version must not be able to cache it again.
import {
  createRedisProductCache,
  LIST_GENERATION_KEY,
  PRODUCT_KEY,
  type ProductCache,
} from '@shop/catalog-cache';
import { createCatalogCacheInvalidation } from '@shop/catalog-cache/lambda';
import type { Order, Product } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ADMIN, address, CUSTOMER, createHarness, insertProduct, resetOrders } from '../support/harness';

// A database of its own on the shared Redis: the catalog's tests FLUSHDB theirs between tests.
const redisUrl = (() => {
  const url = new URL(inject('redisUrl'));
  url.pathname = '/7';
  return url.toString();
})();

const harness = createHarness({ productsChanged: createCatalogCacheInvalidation(redisUrl) });
const redis = new Redis(redisUrl);
const cacheErrors: unknown[] = [];
/** The cache as the catalog's reads use it. */
const catalogCache: ProductCache = createRedisProductCache(redis, {
  productTtlSeconds: 300,
  listTtlSeconds: 60,
  onError: (_, error) => cacheErrors.push(error),
});

afterAll(async () => {
  redis.disconnect();
  await harness.close();
});
beforeEach(async () => {
  await resetOrders(harness.db);
  await redis.flushdb();
  cacheErrors.length = 0;
});

/** The product as a catalog read would have cached it. */
const productAsRead = async (id: string): Promise<Product> => {
  const row = await harness.db
    .selectFrom('products')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    price: { amount: row.price_amount, currency: row.currency } as Product['price'],
    stock: row.stock,
    lowStockThreshold: row.low_stock_threshold,
    status: row.status,
    images: [],
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
};

const generation = async () => Number((await redis.get(LIST_GENERATION_KEY)) ?? '0');

const place = (items: { productId: string; quantity: number }[]) =>
  invoke<Order>(harness.handlers.place, {
    method: 'POST',
    path: '/orders',
    body: { items, shippingAddress: address },
    claims: CUSTOMER,
  });

describe("the catalog's cache after orders", () => {
  it('tombstones the products an order and its cancellation change, and keeps stale readers out', async () => {
    const a = await insertProduct(harness.db, { stock: 10 });
    const b = await insertProduct(harness.db, { stock: 4 });
    const v1 = await productAsRead(a);
    await catalogCache.putProduct(v1);
    await catalogCache.putProduct(await productAsRead(b));
    expect((await catalogCache.getProduct(a))?.stock).toBe(10);
    const before = await generation();

    const placed = await place([
      { productId: a, quantity: 3 },
      { productId: b, quantity: 1 },
    ]);
    expect(placed.statusCode).toBe(201);
    // The public order is unchanged: no product versions in it.
    expect(Object.keys(placed.body).sort()).toEqual(
      ['createdAt', 'customerId', 'id', 'items', 'shippingAddress', 'status', 'total', 'updatedAt'].sort(),
    );

    // A miss right after the order, with the new versions as tombstones.
    expect(await catalogCache.getProduct(a)).toBeUndefined();
    expect(await catalogCache.getProduct(b)).toBeUndefined();
    expect(await redis.get(PRODUCT_KEY(a))).toBe('2\n');
    expect(await redis.get(PRODUCT_KEY(b))).toBe('2\n');
    const afterPlace = await generation();
    expect(afterPlace).toBeGreaterThan(before);

    // A catalog reader that loaded version 1 before the order arrives late: it cannot bring it back.
    await catalogCache.putProduct(v1);
    expect(await catalogCache.getProduct(a)).toBeUndefined();
    expect(await redis.get(PRODUCT_KEY(a))).toBe('2\n');

    // A fresh read caches the new version again.
    const v2 = await productAsRead(a);
    expect(v2).toMatchObject({ version: 2, stock: 7 });
    await catalogCache.putProduct(v2);
    expect((await catalogCache.getProduct(a))?.stock).toBe(7);

    const cancelled = await invoke<Order>(harness.handlers.cancel, {
      method: 'POST',
      path: `/orders/${placed.body.id}/cancel`,
      pathParameters: { id: placed.body.id },
      claims: CUSTOMER,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(Object.keys(cancelled.body)).not.toContain('productVersions');

    expect(await catalogCache.getProduct(a)).toBeUndefined();
    expect(await redis.get(PRODUCT_KEY(a))).toBe('3\n');
    expect(await redis.get(PRODUCT_KEY(b))).toBe('3\n');
    expect(await generation()).toBeGreaterThan(afterPlace);

    // The version read between the order and the cancellation is stale now.
    await catalogCache.putProduct(v2);
    expect(await catalogCache.getProduct(a)).toBeUndefined();
    expect(await redis.get(PRODUCT_KEY(a))).toBe('3\n');
    expect(cacheErrors).toEqual([]);
  });

  it('leaves the cache alone when nothing changed stock (refused order, status change, repeated cancel)', async () => {
    const a = await insertProduct(harness.db, { stock: 1 });
    await catalogCache.putProduct(await productAsRead(a));
    const before = await generation();

    expect((await place([{ productId: a, quantity: 2 }])).statusCode).toBe(409);
    expect((await catalogCache.getProduct(a))?.version).toBe(1);

    const placed = await place([{ productId: a, quantity: 1 }]);
    await catalogCache.putProduct(await productAsRead(a));
    const afterPlace = await generation();
    expect(afterPlace).toBeGreaterThan(before);

    expect(
      (
        await invoke(harness.handlers.updateStatus, {
          method: 'POST',
          path: `/orders/${placed.body.id}/status`,
          pathParameters: { id: placed.body.id },
          body: { status: 'shipped' },
          claims: ADMIN,
        })
      ).statusCode,
    ).toBe(200);
    expect((await catalogCache.getProduct(a))?.version).toBe(2);
    expect(await generation()).toBe(afterPlace);
  });

  it('still places and cancels orders while Redis is unreachable', async () => {
    const offline = createHarness({ productsChanged: createCatalogCacheInvalidation('redis://127.0.0.1:1') });
    try {
      const a = await insertProduct(offline.db, { stock: 5 });
      const placed = await invoke<Order>(offline.handlers.place, {
        method: 'POST',
        path: '/orders',
        body: { items: [{ productId: a, quantity: 1 }], shippingAddress: address },
        claims: CUSTOMER,
      });
      expect(placed.statusCode).toBe(201);
      const cancelled = await invoke<Order>(offline.handlers.cancel, {
        method: 'POST',
        path: `/orders/${placed.body.id}/cancel`,
        pathParameters: { id: placed.body.id },
        claims: CUSTOMER,
      });
      expect(cancelled.statusCode).toBe(200);
    } finally {
      await offline.close();
    }
  });
});
