// Orders end to end, on one `npm start`: the seeded customer, signed in through cognito-local,
// places, lists, reads and cancels an order through the front; another customer cannot see it;
// an Idempotency-Key replays (dynalite); and the StockChanged events of the order and of its
// cancellation reach the local Kinesis stream (kinesalite). Stock is checked through the API. How fast
// events arrive is measured by the benchmarks, not asserted here: the wait below only bounds a hang.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SEEDED_USERS } from '../../scripts/dev/seed-users';
import { cognitoClient } from '../../scripts/lib/cognito-local';
import { randomFreePort } from '../../scripts/lib/ports';
import { type Endpoints, type StartedStack, startStack } from './stack';
import {
  type ApiResponse,
  callApi,
  readStream,
  type StreamRecord,
  SHIPPING_ADDRESS as shippingAddress,
  signIn,
  signUpConfirmed,
} from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-orders-'));
const run = randomUUID().slice(0, 8);
/** How long to wait for an event before failing: far above any healthy run, even on a loaded machine. */
const EVENT_WAIT_MS = 60_000;

let stack: StartedStack | undefined;
let endpoints: Endpoints;
let cognito: CognitoIdentityProviderClient;
const tokens = { customer: '', otherCustomer: '', admin: '' };
type Caller = keyof typeof tokens;

interface Money {
  amount: number;
  currency: string;
}
interface Order {
  id: string;
  customerId: string;
  status: string;
  items: Array<{ productId: string; quantity: number; unitPrice: Money; lineTotal: Money }>;
  total: Money;
}
interface Product {
  id: string;
  sku: string;
  stock: number;
  status?: string;
  price: Money;
}

const api = <T = unknown>(
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<ApiResponse<T>> =>
  callApi<T>(endpoints.apiUrl, method, path, { authorization: `Bearer ${tokens[caller]}`, body, headers });

/**
 * The product's stock as any client reads it: GET /products/{id}, through the catalog's cache.
 * api.md: reads reflect a write, including stock changes from orders, within 1 second; orders
 * invalidate the cached copy right after their commit.
 */
async function stockOf(productId: string): Promise<number> {
  const res = await callApi<{ stock: number }>(endpoints.apiUrl, 'GET', `/products/${productId}`, {});
  expect(res.status).toBe(200);
  return res.body.stock;
}

/** Waits (at most EVENT_WAIT_MS) until the stream holds a record matching `match`. */
async function waitForEvent(match: (record: StreamRecord) => boolean): Promise<StreamRecord> {
  const since = Date.now();
  let records: StreamRecord[] = [];
  do {
    records = await readStream(endpoints.kinesis.endpoint, endpoints.kinesis.streamName);
    const found = records.find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() - since < EVENT_WAIT_MS);
  throw new Error(
    `no matching event in ${endpoints.kinesis.streamName} within ${EVENT_WAIT_MS} ms; ` +
      `${records.length} records there:\n${JSON.stringify(records.slice(-10), null, 2)}`,
  );
}

beforeAll(async () => {
  stack = await startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: ['--fresh'] });
  endpoints = stack.endpoints;
  expect(endpoints.kinesis).toMatchObject({ endpoint: expect.any(String), streamName: 'stock-events' });
  cognito = cognitoClient(endpoints.cognito.endpoint, endpoints.cognito.region);
  const password = (email: string) => SEEDED_USERS.find((user) => user.email === email)!.password;
  const clientId = endpoints.cognito.clientId;
  tokens.customer = (
    await signIn(cognito, clientId, 'customer@example.com', password('customer@example.com'))
  ).idToken;
  tokens.admin = (
    await signIn(cognito, clientId, 'admin@example.com', password('admin@example.com'))
  ).idToken;
  const other = await signUpConfirmed(cognito, endpoints.cognito, {
    email: `e2e-orders-other-${run}@example.com`,
    password: 'E2e-Passw0rd!x',
    name: 'E2E Other Customer',
  });
  tokens.otherCustomer = (await signIn(cognito, clientId, other.email, 'E2e-Passw0rd!x')).idToken;
});

afterAll(async () => {
  cognito?.destroy();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// Tests in a file run in order; each step builds on the previous one.
describe('orders on the local stack with a signed-in customer', () => {
  let product: Product;
  let order: Order;

  test('POST /orders for a seeded product in stock -> 201, stock goes down', async () => {
    const page = await callApi<{ items: Product[] }>(endpoints.apiUrl, 'GET', '/products?limit=50');
    expect(page.status, stack!.output().slice(-3000)).toBe(200);
    const inStock = page.body.items.filter((candidate) => candidate.stock >= 3);
    expect(inStock.length, 'a seeded product with stock >= 3').toBeGreaterThan(0);
    product = inStock[0]!;
    expect(await stockOf(product.id)).toBe(product.stock);

    const placed = await api<Order>('customer', 'POST', '/orders', {
      items: [{ productId: product.id, quantity: 2 }],
      shippingAddress,
    });

    expect(placed.status, `${JSON.stringify(placed.body)}\n${stack!.output().slice(-3000)}`).toBe(201);
    expect(placed.requestId).toBeTruthy();
    order = placed.body;
    expect(order).toMatchObject({
      status: 'placed',
      items: [{ productId: product.id, quantity: 2, unitPrice: product.price }],
      total: { amount: product.price.amount * 2, currency: product.price.currency },
    });
    expect(await stockOf(product.id)).toBe(product.stock - 2);
  });

  test('its StockChanged event (reason order) reaches the stream', async () => {
    const record = await waitForEvent(
      (candidate) => candidate.data.orderId === order.id && candidate.data.reason === 'order',
    );

    expect(record.partitionKey).toBe(product.id);
    expect(record.data).toMatchObject({
      type: 'StockChanged',
      productId: product.id,
      sku: product.sku,
      previousStock: product.stock,
      newStock: product.stock - 2,
      delta: -2,
    });
  });

  test('GET /orders lists it for the customer', async () => {
    const list = await api<{ items: Order[] }>('customer', 'GET', '/orders');

    expect(list.status).toBe(200);
    expect(list.body.items.map((item) => item.id)).toContain(order.id);
    expect(list.body.items.every((item) => item.customerId === order.customerId)).toBe(true);
  });

  test('GET /orders/{id} -> 200 for the owner and for an admin', async () => {
    const own = await api<Order>('customer', 'GET', `/orders/${order.id}`);
    const asAdmin = await api<Order>('admin', 'GET', `/orders/${order.id}`);

    expect(own).toMatchObject({ status: 200, body: order });
    expect(asAdmin).toMatchObject({ status: 200, body: order });
  });

  test('another customer gets 404 on it, cannot cancel it, and does not see it listed', async () => {
    const read = await api<{ error: { code: string } }>('otherCustomer', 'GET', `/orders/${order.id}`);
    const cancel = await api<{ error: { code: string } }>(
      'otherCustomer',
      'POST',
      `/orders/${order.id}/cancel`,
    );
    const list = await api<{ items: Order[] }>('otherCustomer', 'GET', '/orders');

    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(cancel.status).toBe(404);
    expect(list.status).toBe(200);
    expect(list.body.items.map((item) => item.id)).not.toContain(order.id);
    expect((await api<Order>('customer', 'GET', `/orders/${order.id}`)).body.status).toBe('placed');
  });

  test('POST /orders/{id}/cancel -> 200 cancelled, the stock is back and the event reaches the stream', async () => {
    const cancelled = await api<Order>('customer', 'POST', `/orders/${order.id}/cancel`);

    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ id: order.id, status: 'cancelled' });
    const record = await waitForEvent(
      (candidate) => candidate.data.orderId === order.id && candidate.data.reason === 'cancellation',
    );
    expect(record.partitionKey).toBe(product.id);
    expect(record.data).toMatchObject({
      type: 'StockChanged',
      productId: product.id,
      previousStock: product.stock - 2,
      newStock: product.stock,
      delta: 2,
    });
    expect(await stockOf(product.id)).toBe(product.stock);
    expect((await api<Order>('customer', 'GET', `/orders/${order.id}`)).body.status).toBe('cancelled');
  });

  test('the same POST /orders with an Idempotency-Key twice -> one order, the second is a replay', async () => {
    const body = { items: [{ productId: product.id, quantity: 1 }], shippingAddress };
    const headers = { 'idempotency-key': `e2e-orders-${run}` };

    const first = await api<Order>('customer', 'POST', '/orders', body, headers);
    const second = await api<Order>('customer', 'POST', '/orders', body, headers);

    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(second.body).toEqual(first.body);
    const list = await api<{ items: Order[] }>('customer', 'GET', '/orders');
    expect(list.body.items.filter((item) => item.id === first.body.id)).toHaveLength(1);
    expect(await stockOf(product.id)).toBe(product.stock - 1);
  });
});
