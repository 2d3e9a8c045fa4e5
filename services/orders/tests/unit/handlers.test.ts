// Handlers with a fake service: each handler is only an adapter from HTTP to one use case.
import { InsufficientStockError, InvalidStateError, NotFoundError, type Order } from '@shop/domain';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { describe, expect, it, vi } from 'vitest';
import { cancelOrderHandler } from '../../src/handlers/cancel-order';
import { getOrderHandler } from '../../src/handlers/get-order';
import { listOrdersHandler } from '../../src/handlers/list-orders';
import { placeOrderHandler } from '../../src/handlers/place-order';
import { updateOrderStatusHandler } from '../../src/handlers/update-order-status';
import type { OrdersService } from '../../src/orders.service';

const id = '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50';
const productId = '0b9a3c1e-1111-4a43-9d7b-2b7a8c3e4f50';
const customerSub = '00000000-0000-4000-8000-00000000c001';
const customer = claimsOf(customerSub, ['customer']);
const admin = claimsOf('00000000-0000-4000-8000-00000000a001', ['admin']);
const address = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

const order: Order = {
  id,
  customerId: customerSub,
  status: 'placed',
  items: [
    {
      productId,
      sku: 'SKU-1',
      name: 'Mug',
      quantity: 2,
      unitPrice: { amount: 1299, currency: 'USD' },
      lineTotal: { amount: 2598, currency: 'USD' },
    },
  ],
  total: { amount: 2598, currency: 'USD' },
  shippingAddress: address,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const fakeService = (overrides: Partial<Record<keyof OrdersService, unknown>>) =>
  (() => overrides) as unknown as () => OrdersService;

describe('place-order', () => {
  it('passes the basket, the customer and the correlation id, and answers 201 with Location', async () => {
    const placeOrder = vi.fn().mockResolvedValue(order);
    const res = await invoke(placeOrderHandler(fakeService({ placeOrder })), {
      method: 'POST',
      path: '/orders',
      body: { items: [{ productId, quantity: 2 }], shippingAddress: address },
      claims: customer,
      headers: { 'x-correlation-id': 'corr-1' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/orders/${id}`);
    expect(res.body).toEqual(order);
    expect(placeOrder).toHaveBeenCalledWith(
      { items: [{ productId, quantity: 2 }], shippingAddress: address },
      { customerId: customerSub, isAdmin: false },
      expect.any(String),
    );
  });

  it('maps short stock to 409 INSUFFICIENT_STOCK with every short line', async () => {
    const details = [{ productId, requested: 2, available: 1 }];
    const placeOrder = vi.fn().mockRejectedValue(new InsufficientStockError(details));
    const res = await invoke(placeOrderHandler(fakeService({ placeOrder })), {
      method: 'POST',
      path: '/orders',
      body: { items: [{ productId, quantity: 2 }], shippingAddress: address },
      claims: customer,
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toEqual({ error: { code: 'INSUFFICIENT_STOCK', message: expect.any(String), details } });
  });

  it('refuses a body with unknown fields before calling the service', async () => {
    const placeOrder = vi.fn();
    const res = await invoke(placeOrderHandler(fakeService({ placeOrder })), {
      method: 'POST',
      path: '/orders',
      body: { items: [{ productId, quantity: 2 }], shippingAddress: address, total: 1 },
      claims: customer,
    });
    expect(res.statusCode).toBe(400);
    expect(placeOrder).not.toHaveBeenCalled();
  });

  it('answers 500 without details when the service fails unexpectedly', async () => {
    const placeOrder = vi.fn().mockRejectedValue(new Error('relation "orders" does not exist'));
    const res = await invoke(placeOrderHandler(fakeService({ placeOrder })), {
      method: 'POST',
      path: '/orders',
      body: { items: [{ productId, quantity: 2 }], shippingAddress: address },
      claims: customer,
    });
    expect(res.statusCode).toBe(500);
    expect(res.rawBody).not.toContain('relation');
  });
});

describe('list-orders', () => {
  it('defaults the limit and passes the filters with the viewer', async () => {
    const listOrders = vi.fn().mockResolvedValue({ items: [order], nextCursor: null });
    const res = await invoke(listOrdersHandler(fakeService({ listOrders })), {
      method: 'GET',
      path: '/orders',
      query: { status: 'placed', customerId: customerSub },
      claims: admin,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ items: [order], nextCursor: null });
    expect(listOrders).toHaveBeenCalledWith(
      { customerId: customerSub, status: 'placed', cursor: undefined, limit: 20 },
      { customerId: null, isAdmin: true },
    );
  });
});

describe('get-order', () => {
  it('answers 404 when the service does not find the order for this viewer', async () => {
    const getOrder = vi.fn().mockRejectedValue(new NotFoundError('Order'));
    const res = await invoke(getOrderHandler(fakeService({ getOrder })), {
      method: 'GET',
      path: `/orders/${id}`,
      pathParameters: { id },
      claims: customer,
    });
    expect(res.statusCode).toBe(404);
    expect(getOrder).toHaveBeenCalledWith(id, { customerId: customerSub, isAdmin: false });
  });
});

describe('cancel-order', () => {
  it('answers 200 with the cancelled order', async () => {
    const cancelOrder = vi.fn().mockResolvedValue({ ...order, status: 'cancelled' });
    const res = await invoke(cancelOrderHandler(fakeService({ cancelOrder })), {
      method: 'POST',
      path: `/orders/${id}/cancel`,
      pathParameters: { id },
      claims: customer,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled' });
  });

  it('maps a shipped order to 409 INVALID_STATE', async () => {
    const cancelOrder = vi.fn().mockRejectedValue(new InvalidStateError('shipped'));
    const res = await invoke(cancelOrderHandler(fakeService({ cancelOrder })), {
      method: 'POST',
      path: `/orders/${id}/cancel`,
      pathParameters: { id },
      claims: admin,
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_STATE' } });
  });
});

describe('update-order-status', () => {
  it('lets admins only set a fulfilment status', async () => {
    const updateOrderStatus = vi.fn().mockResolvedValue({ ...order, status: 'shipped' });
    const handler = updateOrderStatusHandler(fakeService({ updateOrderStatus }));
    const request = {
      method: 'POST',
      path: `/orders/${id}/status`,
      pathParameters: { id },
      body: { status: 'shipped' },
    };
    expect((await invoke(handler, { ...request, claims: admin })).statusCode).toBe(200);
    expect(updateOrderStatus).toHaveBeenCalledWith(id, 'shipped');
    expect((await invoke(handler, { ...request, claims: customer })).statusCode).toBe(403);
    expect(
      (await invoke(handler, { ...request, claims: admin, body: { status: 'cancelled' } })).statusCode,
    ).toBe(400);
    expect(updateOrderStatus).toHaveBeenCalledTimes(1);
  });
});
