// Every route of api.md with its real handler (in process, over real PostgreSQL, Redis, s3rver and
// dynalite), the callers it serves, and what a valid request looks like: the fuzzer starts from a
// valid request and breaks one part of it at a time, or sends something else entirely.
import { randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse, invoke } from '@shop/lambda-kit/testing';
import { handler as healthHandler } from '../../services/catalog/src/handlers/health';
import type { Harness as CatalogHarness } from '../../services/catalog/tests/support/harness';
import type { Harness as OrdersHarness } from '../../services/orders/tests/support/harness';

type Handler = Parameters<typeof invoke>[0];
export type Role = 'anonymous' | 'customer' | 'otherCustomer' | 'admin';

/** The ids and cursors a fuzzed request may point at, refreshed as the run creates things. */
export interface World {
  products: string[];
  orders: string[];
  cursors: string[];
}

export interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path template as api.md writes it. */
  readonly template: string;
  readonly handler: Handler;
  /** True for routes that change state: a refused call must leave the database as it was. */
  readonly write: boolean;
  /** Path parameter `id` points at a product or an order. */
  readonly id?: 'product' | 'order';
  /** Query parameters the route reads. */
  readonly query?: readonly string[];
  /** A body the route accepts (fuzzing breaks it); routes without one take no body. */
  readonly validBody?: (world: World) => Record<string, unknown>;
  /** Headers the route reads besides the ones every route does. */
  readonly headers?: readonly string[];
  /** The caller the route is for: most fuzzed requests come from them, so validation is reached. */
  readonly caller: Role;
}

let skuCounter = 0;
const address = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const first = (ids: string[]) => ids[0] ?? randomUUID();

export const routesFor = (
  catalog: CatalogHarness['handlers'],
  orders: OrdersHarness['handlers'],
  getMe: Handler,
): Route[] => [
  {
    name: 'GET /products',
    method: 'GET',
    template: '/products',
    handler: catalog.list,
    write: false,
    query: ['limit', 'cursor', 'category', 'q', 'status'],
    caller: 'anonymous',
  },
  {
    name: 'GET /products/{id}',
    method: 'GET',
    template: '/products/{id}',
    handler: catalog.get,
    write: false,
    id: 'product',
    caller: 'anonymous',
  },
  {
    name: 'POST /products',
    method: 'POST',
    template: '/products',
    handler: catalog.create,
    write: true,
    headers: ['idempotency-key'],
    validBody: () => {
      skuCounter += 1;
      return {
        sku: `FUZZ-${process.pid}-${skuCounter}`,
        name: 'Fuzzed product',
        description: 'Made by the fuzzer',
        category: 'fuzz',
        price: { amount: 1500, currency: 'USD' },
        stock: 5,
        lowStockThreshold: 2,
      };
    },
    caller: 'admin',
  },
  {
    name: 'PATCH /products/{id}',
    method: 'PATCH',
    template: '/products/{id}',
    handler: catalog.update,
    write: true,
    id: 'product',
    headers: ['if-match'],
    validBody: () => ({
      name: 'Renamed',
      description: 'Line one\nline two',
      price: { amount: 999, currency: 'USD' },
    }),
    caller: 'admin',
  },
  {
    name: 'DELETE /products/{id}',
    method: 'DELETE',
    template: '/products/{id}',
    handler: catalog.archive,
    write: true,
    id: 'product',
    caller: 'admin',
  },
  {
    name: 'POST /products/{id}/stock-adjustments',
    method: 'POST',
    template: '/products/{id}/stock-adjustments',
    handler: catalog.adjustStock,
    write: true,
    id: 'product',
    validBody: () => ({ delta: 3, reason: 'restock', note: 'fuzz' }),
    caller: 'admin',
  },
  {
    name: 'POST /products/{id}/image-uploads',
    method: 'POST',
    template: '/products/{id}/image-uploads',
    handler: catalog.imageUpload,
    write: true,
    id: 'product',
    headers: ['idempotency-key'],
    validBody: () => ({ contentType: 'image/png', contentLength: 2048 }),
    caller: 'admin',
  },
  {
    name: 'GET /products/{id}/stock-history',
    method: 'GET',
    template: '/products/{id}/stock-history',
    handler: catalog.stockHistory,
    write: false,
    id: 'product',
    query: ['limit', 'cursor'],
    caller: 'admin',
  },
  {
    name: 'POST /products/{id}/stock-subscriptions',
    method: 'POST',
    template: '/products/{id}/stock-subscriptions',
    handler: catalog.subscribe,
    write: true,
    id: 'product',
    headers: ['idempotency-key'],
    caller: 'customer',
  },
  {
    name: 'DELETE /products/{id}/stock-subscriptions',
    method: 'DELETE',
    template: '/products/{id}/stock-subscriptions',
    handler: catalog.unsubscribe,
    write: true,
    id: 'product',
    caller: 'customer',
  },
  {
    name: 'POST /orders',
    method: 'POST',
    template: '/orders',
    handler: orders.place,
    write: true,
    headers: ['idempotency-key'],
    validBody: (world) => ({
      items: [{ productId: first(world.products), quantity: 1 }],
      shippingAddress: address,
    }),
    caller: 'customer',
  },
  {
    name: 'GET /orders',
    method: 'GET',
    template: '/orders',
    handler: orders.list,
    write: false,
    query: ['limit', 'cursor', 'customerId', 'status'],
    caller: 'customer',
  },
  {
    name: 'GET /orders/{id}',
    method: 'GET',
    template: '/orders/{id}',
    handler: orders.get,
    write: false,
    id: 'order',
    caller: 'customer',
  },
  {
    name: 'POST /orders/{id}/cancel',
    method: 'POST',
    template: '/orders/{id}/cancel',
    handler: orders.cancel,
    write: true,
    id: 'order',
    caller: 'customer',
  },
  {
    name: 'POST /orders/{id}/status',
    method: 'POST',
    template: '/orders/{id}/status',
    handler: orders.updateStatus,
    write: true,
    id: 'order',
    validBody: () => ({ status: 'shipped' }),
    caller: 'admin',
  },
  {
    name: 'GET /me',
    method: 'GET',
    template: '/me',
    handler: getMe,
    write: false,
    caller: 'customer',
  },
  {
    name: 'GET /health',
    method: 'GET',
    template: '/health',
    handler: healthHandler,
    write: false,
    caller: 'anonymous',
  },
];

/** The request path for a template and an id (API Gateway passes the raw segment as decoded). */
export const pathOf = (route: Route, id: string | undefined): Pick<ApiRequest, 'path' | 'pathParameters'> =>
  id === undefined
    ? { path: route.template }
    : { path: route.template.replace('{id}', encodeURIComponent(id.toWellFormed())), pathParameters: { id } };

export type { ApiRequest, ApiResponse };
