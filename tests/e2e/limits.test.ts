// Issue 10's classes of bad input and the per-customer limits, through the stack a user runs
// (`npm start`): control characters and unpaired surrogates, cursors past 64 bits and stock past
// its range are 400s that change nothing; a customer past the order limits gets 429 with
// Retry-After, also when their requests arrive at once; a cancellation works at maximum stock.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createShopClient, type ShopClient } from '@shop/api-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cognitoClient } from '../../scripts/lib/cognito-local';
import { randomFreePort } from '../../scripts/lib/ports';
import { type Endpoints, type StartedStack, startStack } from './stack';
import {
  type ApiResponse,
  callApi,
  recordingFetch,
  SHIPPING_ADDRESS,
  signIn,
  signInSeeded,
  signUpConfirmed,
} from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-limits-'));
const run = randomUUID().slice(0, 8);
// The stage parameters npm start runs with (packages/serverless-config/params.yml, docs/limits.md).
const MAX_ORDER_WRITES = 10;

let stack: StartedStack;
let endpoints: Endpoints;
let cognito: CognitoIdentityProviderClient;
let admin = '';

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string }[] };
}
interface Product {
  id: string;
  stock: number;
}

const as = <T = unknown>(token: string, method: string, path: string, body?: unknown) =>
  callApi<T>(endpoints.apiUrl, method, path, { authorization: `Bearer ${token}`, body });

const newCustomer = async (label: string): Promise<string> => {
  const email = `e2e-limits-${label}-${run}@example.com`;
  await signUpConfirmed(cognito, endpoints.cognito, { email, password: 'E2e-Passw0rd!x', name: 'Limits' });
  return (await signIn(cognito, endpoints.cognito.clientId, email, 'E2e-Passw0rd!x')).idToken;
};

// The typed client (@shop/api-client), as the storefront uses it.
const client = (token?: string): ShopClient =>
  createShopClient({ baseUrl: endpoints.apiUrl, fetch: recordingFetch, ...(token ? { token } : {}) });

const newProduct = async (stock: number): Promise<Product> => {
  const { data, error } = await client(admin).POST('/products', {
    body: {
      sku: `E2E-LIMITS-${run}-${stock}-${randomUUID().slice(0, 6)}`,
      name: 'Limits test product',
      category: 'e2e',
      price: { amount: 500, currency: 'USD' },
      stock,
    },
  });
  expect(error).toBeUndefined();
  return data!;
};

const stockOf = async (id: string) =>
  (await callApi<Product>(endpoints.apiUrl, 'GET', `/products/${id}`)).body.stock;

const expectBadRequest = (res: ApiResponse, path?: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const body = res.body as ErrorBody;
  expect(body.error.code).toBe('VALIDATION_FAILED');
  if (path) expect(body.error.details?.map((d) => d.path)).toContain(path);
};

beforeAll(async () => {
  stack = await startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: ['--fresh'] });
  endpoints = stack.endpoints;
  cognito = cognitoClient(endpoints.cognito.endpoint, endpoints.cognito.region);
  admin = await signInSeeded(cognito, endpoints.cognito, 'admin@example.com');
});

afterAll(async () => {
  cognito?.destroy();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('bad input through npm start is a 400 that changes nothing', () => {
  test('control characters and unpaired surrogates in text', async () => {
    const product = await newProduct(5);
    for (const name of ['Bell\u0007', 'Two\nlines', 'Half \ud800 a pair']) {
      expectBadRequest(await as(admin, 'PATCH', `/products/${product.id}`, { name }), 'name');
    }
    const search = await callApi(endpoints.apiUrl, 'GET', `/products?q=${encodeURIComponent('mug\u0000')}`);
    expectBadRequest(search);
    const read = await callApi<{ name: string }>(endpoints.apiUrl, 'GET', `/products/${product.id}`);
    expect(read.body.name).toBe('Limits test product');
  });

  test('a cursor past the largest bigint', async () => {
    const cursor = Buffer.from('p1.9223372036854775808').toString('base64url');
    expectBadRequest(await callApi(endpoints.apiUrl, 'GET', `/products?cursor=${cursor}`), 'cursor');
  });

  test('stock past its maximum, and a cancellation at the maximum still gives its units back', async () => {
    const MAX_STOCK = 1_000_000_000;
    const customer = await newCustomer('stock');
    const product = await newProduct(MAX_STOCK);
    const order = await as<{ id: string }>(customer, 'POST', '/orders', {
      items: [{ productId: product.id, quantity: 100 }],
      shippingAddress: SHIPPING_ADDRESS,
    });
    expect(order.status).toBe(201);
    const adjust = (delta: number) =>
      as<{ stock: number }>(admin, 'POST', `/products/${product.id}/stock-adjustments`, {
        delta,
        reason: 'restock',
      });
    expect((await adjust(100)).body.stock).toBe(MAX_STOCK);

    expectBadRequest(await adjust(1), 'delta');
    expect(await stockOf(product.id)).toBe(MAX_STOCK);

    const cancelled = await as<{ status: string }>(customer, 'POST', `/orders/${order.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stockOf(product.id)).toBe(MAX_STOCK + 100);
  });
});

describe('per-customer limits through npm start', () => {
  // 50 at once (the in-process tests do the same: services/orders/tests/integration/customer-limits.test.ts).
  test(`50 orders of one customer at once: exactly ${MAX_ORDER_WRITES} placed, the rest 429 with Retry-After, nothing else changed`, async () => {
    const customer = await newCustomer('burst');
    const product = await newProduct(100);
    const place = () =>
      client(customer).POST('/orders', {
        body: { items: [{ productId: product.id, quantity: 1 }], shippingAddress: SHIPPING_ADDRESS },
      });

    const answers = await Promise.all(Array.from({ length: 50 }, place));

    const statuses = answers.map((a) => a.response.status).sort();
    expect(statuses).toEqual([
      ...Array<number>(MAX_ORDER_WRITES).fill(201),
      ...Array<number>(50 - MAX_ORDER_WRITES).fill(429),
    ]);
    for (const refused of answers.filter((a) => a.response.status === 429)) {
      expect(refused.error?.error.code).toBe('RATE_LIMITED');
      const retryAfter = Number(refused.response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(await stockOf(product.id)).toBe(100 - MAX_ORDER_WRITES);
    const own = await as<{ items: unknown[] }>(customer, 'GET', '/orders?limit=100');
    expect(own.body.items).toHaveLength(MAX_ORDER_WRITES);
  });

  test('another customer is not held back by the first one', async () => {
    const product = await newProduct(10);
    const res = await as(await newCustomer('other'), 'POST', '/orders', {
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddress: SHIPPING_ADDRESS,
    });
    expect(res.status).toBe(201);
  });
});
