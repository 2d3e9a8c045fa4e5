// Every route of api.md as data: who may call it, what it reads, what it answers. The OpenAPI
// document (`./openapi`) is generated from this table and the schemas it names, the typed client
// is typed by it, and the tests check every response they see against the document.
import type { $ZodType } from 'zod/v4/core';
import {
  createProductBody,
  imageUploadBody,
  listProductsQuery,
  productIdPath,
  stockAdjustmentBody,
  stockHistoryQuery,
  updateProductBody,
} from './catalog.requests';
import { listOrdersQuery, orderIdPath, orderStatusBody, placeOrderBody } from './orders.requests';
import {
  type ErrorStatus,
  health,
  imageUpload,
  me,
  order,
  pageOf,
  product,
  stockHistoryEntry,
  stockLevel,
  stockSubscription,
} from './responses';

/** Who may call a route; every route but the public ones needs a Cognito ID token. */
export type RouteAccess = 'public' | 'signedIn' | 'customer' | 'admin' | 'customerOrAdmin';

/** Response headers the contract promises. */
export type ResponseHeader = 'ETag' | 'Location' | 'Idempotent-Replayed' | 'Retry-After';

export interface SuccessResponse {
  readonly description: string;
  /** Absent for 204. */
  readonly body?: $ZodType;
  readonly headers?: readonly ResponseHeader[];
}

export interface RouteContract {
  readonly operationId: string;
  readonly method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: `/products/{id}`. */
  readonly path: string;
  readonly tag: 'Catalog' | 'Orders' | 'Customers';
  readonly summary: string;
  readonly access: RouteAccess;
  readonly pathParams?: $ZodType;
  readonly query?: $ZodType;
  readonly body?: $ZodType;
  /** Honours `Idempotency-Key` (api.md "Idempotency"). */
  readonly idempotent?: boolean;
  /** Honours `If-Match` (412 on a version mismatch). */
  readonly ifMatch?: boolean;
  /** Counts against the caller's per-customer limits (429). */
  readonly customerLimited?: boolean;
  readonly success: Readonly<Record<number, SuccessResponse>>;
  /** Error statuses particular to the route; the common ones are added by `errorStatusesOf`. */
  readonly errors: readonly ErrorStatus[];
}

const productPage = pageOf(product);

export const ROUTES: readonly RouteContract[] = [
  {
    operationId: 'listProducts',
    method: 'get',
    path: '/products',
    tag: 'Catalog',
    summary: 'List active products, newest first (admins may list archived ones)',
    access: 'public',
    query: listProductsQuery,
    success: { 200: { description: 'A page of products', body: productPage } },
    errors: [403],
  },
  {
    operationId: 'getProduct',
    method: 'get',
    path: '/products/{id}',
    tag: 'Catalog',
    summary: 'Read one product',
    access: 'public',
    pathParams: productIdPath,
    success: { 200: { description: 'The product', body: product, headers: ['ETag'] } },
    errors: [404],
  },
  {
    operationId: 'createProduct',
    method: 'post',
    path: '/products',
    tag: 'Catalog',
    summary: 'Create a product',
    access: 'admin',
    body: createProductBody,
    idempotent: true,
    success: { 201: { description: 'The new product', body: product, headers: ['ETag', 'Location'] } },
    errors: [409],
  },
  {
    operationId: 'updateProduct',
    method: 'patch',
    path: '/products/{id}',
    tag: 'Catalog',
    summary: 'Change a product (optionally only at the version the caller saw)',
    access: 'admin',
    pathParams: productIdPath,
    body: updateProductBody,
    ifMatch: true,
    success: { 200: { description: 'The changed product', body: product, headers: ['ETag'] } },
    errors: [404, 412],
  },
  {
    operationId: 'archiveProduct',
    method: 'delete',
    path: '/products/{id}',
    tag: 'Catalog',
    summary: 'Archive a product (it disappears from public reads)',
    access: 'admin',
    pathParams: productIdPath,
    success: { 204: { description: 'Archived (archiving twice changes nothing)' } },
    errors: [404],
  },
  {
    operationId: 'adjustStock',
    method: 'post',
    path: '/products/{id}/stock-adjustments',
    tag: 'Catalog',
    summary: "Adjust a product's stock with a reason; emits StockChanged",
    access: 'admin',
    pathParams: productIdPath,
    body: stockAdjustmentBody,
    success: { 200: { description: 'The stock after the adjustment', body: stockLevel } },
    errors: [404, 409],
  },
  {
    operationId: 'createImageUpload',
    method: 'post',
    path: '/products/{id}/image-uploads',
    tag: 'Catalog',
    summary: "A presigned S3 PUT for one of the product's images",
    access: 'admin',
    pathParams: productIdPath,
    body: imageUploadBody,
    idempotent: true,
    success: { 201: { description: 'Where and how to upload', body: imageUpload } },
    errors: [404],
  },
  {
    operationId: 'getStockHistory',
    method: 'get',
    path: '/products/{id}/stock-history',
    tag: 'Catalog',
    summary: "A product's stock ledger, newest first",
    access: 'admin',
    pathParams: productIdPath,
    query: stockHistoryQuery,
    success: { 200: { description: 'A page of ledger entries', body: pageOf(stockHistoryEntry) } },
    errors: [404],
  },
  {
    operationId: 'subscribeToStock',
    method: 'post',
    path: '/products/{id}/stock-subscriptions',
    tag: 'Catalog',
    summary: 'Email me when the product is back in stock',
    access: 'customer',
    pathParams: productIdPath,
    idempotent: true,
    success: {
      200: { description: 'Already subscribed (unchanged)', body: stockSubscription },
      201: { description: 'Subscribed', body: stockSubscription },
    },
    errors: [404],
  },
  {
    operationId: 'unsubscribeFromStock',
    method: 'delete',
    path: '/products/{id}/stock-subscriptions',
    tag: 'Catalog',
    summary: 'Stop the back-in-stock email',
    access: 'customer',
    pathParams: productIdPath,
    success: { 204: { description: 'Unsubscribed (or was not subscribed)' } },
    errors: [404],
  },
  {
    operationId: 'placeOrder',
    method: 'post',
    path: '/orders',
    tag: 'Orders',
    summary: 'Place an order: all lines or nothing, at catalog prices',
    access: 'customer',
    body: placeOrderBody,
    idempotent: true,
    customerLimited: true,
    success: { 201: { description: 'The order', body: order, headers: ['Location'] } },
    errors: [409],
  },
  {
    operationId: 'listOrders',
    method: 'get',
    path: '/orders',
    tag: 'Orders',
    summary: "A customer's own orders; an admin's view of all",
    access: 'customerOrAdmin',
    query: listOrdersQuery,
    success: { 200: { description: 'A page of orders', body: pageOf(order) } },
    errors: [],
  },
  {
    operationId: 'getOrder',
    method: 'get',
    path: '/orders/{id}',
    tag: 'Orders',
    summary: 'Read one order (its owner or an admin; 404 for anyone else)',
    access: 'customerOrAdmin',
    pathParams: orderIdPath,
    success: { 200: { description: 'The order', body: order } },
    errors: [404],
  },
  {
    operationId: 'cancelOrder',
    method: 'post',
    path: '/orders/{id}/cancel',
    tag: 'Orders',
    summary: 'Cancel a placed order; its stock goes back',
    access: 'customerOrAdmin',
    pathParams: orderIdPath,
    customerLimited: true,
    success: { 200: { description: 'The cancelled order', body: order } },
    errors: [404, 409],
  },
  {
    operationId: 'updateOrderStatus',
    method: 'post',
    path: '/orders/{id}/status',
    tag: 'Orders',
    summary: 'Mark an order shipped or delivered',
    access: 'admin',
    pathParams: orderIdPath,
    body: orderStatusBody,
    success: { 200: { description: 'The order', body: order } },
    errors: [404, 409],
  },
  {
    operationId: 'getMe',
    method: 'get',
    path: '/me',
    tag: 'Customers',
    summary: 'The signed-in caller',
    access: 'signedIn',
    success: { 200: { description: 'The caller', body: me } },
    errors: [404],
  },
  {
    operationId: 'health',
    method: 'get',
    path: '/health',
    tag: 'Customers',
    summary: 'Liveness of the API',
    access: 'public',
    success: { 200: { description: 'The API answers', body: health } },
    errors: [],
  },
];

/** Every error status a route can answer: its own plus what the middleware and access add. */
export const errorStatusesOf = (route: RouteContract): ErrorStatus[] => {
  const statuses = new Set<ErrorStatus>(route.errors);
  // The server's own trouble, and a bad token, on every route: a public route needs no token, but
  // one that is sent must be valid (the local front checks it everywhere; on AWS only protected
  // routes have the authorizer). A missing token is a 401 on protected routes only.
  statuses.add(401).add(500).add(503);
  if (route.access !== 'public' && route.access !== 'signedIn') statuses.add(403);
  if (route.pathParams || route.query || route.body || route.idempotent || route.ifMatch) statuses.add(400);
  // The 1 MiB body limit applies to every request that may carry a body, with a schema or not.
  if (route.method !== 'get') statuses.add(413);
  if (route.idempotent) statuses.add(409).add(422);
  if (route.customerLimited) statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
};
