// Handlers with a fake service: each handler is only an adapter from HTTP to one use case.
import type { Product } from '@shop/domain';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { describe, expect, it, vi } from 'vitest';
import type { CatalogService } from '../../src/catalog.service';
import { adjustStockHandler } from '../../src/handlers/adjust-stock';
import { createProductHandler } from '../../src/handlers/create-product';
import { getProductHandler } from '../../src/handlers/get-product';
import { getStockHistoryHandler } from '../../src/handlers/get-stock-history';
import { listProductsHandler } from '../../src/handlers/list-products';
import { subscribeToStockHandler } from '../../src/handlers/subscribe-to-stock';
import { unsubscribeFromStockHandler } from '../../src/handlers/unsubscribe-from-stock';
import { updateProductHandler } from '../../src/handlers/update-product';

const id = '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50';
const admin = claimsOf('admin-sub', ['admin']);
const product: Product = {
  id,
  sku: 'SKU-1',
  name: 'Mug',
  description: '',
  category: 'kitchen',
  price: { amount: 1299, currency: 'USD' },
  stock: 4,
  lowStockThreshold: 5,
  status: 'active',
  images: [],
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const fakeService = (overrides: Partial<Record<keyof CatalogService, unknown>>) =>
  (() => overrides) as unknown as () => CatalogService;

describe('get-product', () => {
  it('tells the service whether the caller is an admin and sets the ETag', async () => {
    const getProduct = vi.fn().mockResolvedValue(product);
    const handler = getProductHandler(fakeService({ getProduct }));
    const res = await invoke(handler, {
      method: 'GET',
      path: `/products/${id}`,
      pathParameters: { id },
      claims: admin,
    });
    expect(getProduct).toHaveBeenCalledWith(id, { isAdmin: true });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"3"');
  });

  it('treats an anonymous caller as a non-admin', async () => {
    const getProduct = vi.fn().mockResolvedValue(product);
    await invoke(getProductHandler(fakeService({ getProduct })), {
      method: 'GET',
      path: `/products/${id}`,
      pathParameters: { id },
    });
    expect(getProduct).toHaveBeenCalledWith(id, { isAdmin: false });
  });

  it('reads groups sent the way API Gateway REST sends them (one string)', async () => {
    const getProduct = vi.fn().mockResolvedValue(product);
    const claims = { sub: 'a', 'cognito:groups': 'customer,admin' };
    await invoke(getProductHandler(fakeService({ getProduct })), {
      method: 'GET',
      path: `/products/${id}`,
      pathParameters: { id },
      claims,
    });
    expect(getProduct).toHaveBeenCalledWith(id, { isAdmin: true });
  });
});

describe('list-products', () => {
  it('passes parsed filters with the default limit and returns items and nextCursor', async () => {
    const listProducts = vi.fn().mockResolvedValue({ items: [product], nextCursor: 'abc' });
    const res = await invoke(listProductsHandler(fakeService({ listProducts })), {
      method: 'GET',
      path: '/products',
      query: { category: 'kitchen', q: 'mug' },
    });
    expect(listProducts).toHaveBeenCalledWith(
      { status: undefined, category: 'kitchen', q: 'mug', cursor: undefined, limit: 20 },
      { isAdmin: false },
    );
    expect(res.body).toEqual({ items: [product], nextCursor: 'abc' });
  });
});

describe('create-product', () => {
  it('turns the price into minor units for the service and answers 201 with Location', async () => {
    const createProduct = vi.fn().mockResolvedValue(product);
    const res = await invoke(createProductHandler(fakeService({ createProduct })), {
      method: 'POST',
      path: '/products',
      body: { sku: 'SKU-1', name: 'Mug', category: 'kitchen', price: { amount: 1299, currency: 'USD' } },
      claims: admin,
      headers: { 'x-correlation-id': 'corr-1' },
    });
    expect(createProduct).toHaveBeenCalledWith(
      {
        sku: 'SKU-1',
        name: 'Mug',
        category: 'kitchen',
        description: undefined,
        priceAmount: 1299,
        stock: 0,
        lowStockThreshold: 5,
      },
      'corr-1',
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/products/${id}`);
  });

  it('never calls the service for a customer', async () => {
    const createProduct = vi.fn();
    const res = await invoke(createProductHandler(fakeService({ createProduct })), {
      method: 'POST',
      path: '/products',
      body: {},
      claims: claimsOf('c', ['customer']),
    });
    expect(res.statusCode).toBe(403);
    expect(createProduct).not.toHaveBeenCalled();
  });
});

describe('update-product', () => {
  it('passes the If-Match version and maps images to keys', async () => {
    const updateProduct = vi.fn().mockResolvedValue(product);
    await invoke(updateProductHandler(fakeService({ updateProduct })), {
      method: 'PATCH',
      path: `/products/${id}`,
      pathParameters: { id },
      body: { images: [`products/${id}/a.png`], price: { amount: 5, currency: 'USD' } },
      headers: { 'if-match': 'W/"3"' },
      claims: admin,
    });
    expect(updateProduct).toHaveBeenCalledWith(
      id,
      { priceAmount: 5, imageKeys: [`products/${id}/a.png`] },
      3,
    );
  });
});

describe('adjust-stock', () => {
  it('records the admin as the actor', async () => {
    const adjustStock = vi.fn().mockResolvedValue({ productId: id, stock: 9 });
    const res = await invoke(adjustStockHandler(fakeService({ adjustStock })), {
      method: 'POST',
      path: `/products/${id}/stock-adjustments`,
      pathParameters: { id },
      body: { delta: 5, reason: 'return' },
      claims: admin,
    });
    expect(adjustStock).toHaveBeenCalledWith(
      id,
      { delta: 5, reason: 'return', note: undefined },
      'admin-sub',
      expect.any(String),
    );
    expect(res.body).toEqual({ productId: id, stock: 9 });
  });
});

describe('get-stock-history', () => {
  it('passes the page with the default limit and answers items and nextCursor', async () => {
    const page = { items: [], nextCursor: null };
    const getStockHistory = vi.fn().mockResolvedValue(page);
    const res = await invoke(getStockHistoryHandler(fakeService({ getStockHistory })), {
      method: 'GET',
      path: `/products/${id}/stock-history`,
      pathParameters: { id },
      claims: admin,
    });
    expect(getStockHistory).toHaveBeenCalledWith(id, { cursor: undefined, limit: 20 });
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual(page);
  });

  it('never calls the service for a customer', async () => {
    const getStockHistory = vi.fn();
    const res = await invoke(getStockHistoryHandler(fakeService({ getStockHistory })), {
      method: 'GET',
      path: `/products/${id}/stock-history`,
      pathParameters: { id },
      claims: claimsOf('c', ['customer']),
    });
    expect(res.statusCode).toBe(403);
    expect(getStockHistory).not.toHaveBeenCalled();
  });
});

describe('subscribe-to-stock', () => {
  const customer = claimsOf('c-sub', ['customer'], 'Shopper@Example.com');
  const post = (subscribeToStock: unknown, claims: Record<string, unknown> = customer) =>
    invoke(subscribeToStockHandler(fakeService({ subscribeToStock })), {
      method: 'POST',
      path: `/products/${id}/stock-subscriptions`,
      pathParameters: { id },
      claims,
    });

  it('subscribes the caller at the lower-cased token email and answers 201 when it created', async () => {
    const subscription = { productId: id, email: 'shopper@example.com' };
    const subscribeToStock = vi.fn().mockResolvedValue({ subscription, created: true });
    const res = await post(subscribeToStock);
    expect(subscribeToStock).toHaveBeenCalledWith(id, { customerId: 'c-sub', email: 'shopper@example.com' });
    expect(res.statusCode).toBe(201);
    expect(res.body).toEqual(subscription);
  });

  it('answers 200 with the same body when the subscription was already open', async () => {
    const subscription = { productId: id, email: 'shopper@example.com' };
    const res = await post(vi.fn().mockResolvedValue({ subscription, created: false }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual(subscription);
  });

  it('never calls the service for a token without email', async () => {
    const subscribeToStock = vi.fn();
    const { email: _email, ...withoutEmail } = customer;
    const res = await post(subscribeToStock, withoutEmail);
    expect(res.statusCode).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN', details: [{ path: 'email' }] } });
    expect(subscribeToStock).not.toHaveBeenCalled();
  });
});

describe('unsubscribe-from-stock', () => {
  it("closes the caller's own subscription and answers 204 without a body", async () => {
    const unsubscribeFromStock = vi.fn().mockResolvedValue(undefined);
    const res = await invoke(unsubscribeFromStockHandler(fakeService({ unsubscribeFromStock })), {
      method: 'DELETE',
      path: `/products/${id}/stock-subscriptions`,
      pathParameters: { id },
      claims: claimsOf('c-sub', ['customer']),
    });
    expect(unsubscribeFromStock).toHaveBeenCalledWith(id, 'c-sub');
    expect(res.statusCode).toBe(204);
    expect(res.rawBody).toBe('');
  });
});
