// Issue 14's acceptance check, through the stack a user runs (`npm start`): a burst of 48
// single-unit orders for a product with 18 in stock, each from a different signed-up customer, all
// sent at once. Lambda's semantics (one request per instance, instances reused and bounded; see
// docs/local-stack.md) must give exactly what the database allows: 18 placed, 30 refused with
// 409 INSUFFICIENT_STOCK, stock 0, and nothing else (no 504 from a timed-out cold start), five
// bursts in a row. How fast the burst goes is benchmark output (`pnpm load`), not asserted here.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cognitoClient } from '../../scripts/lib/cognito-local';
import { randomFreePort } from '../../scripts/lib/ports';
import { type Endpoints, type StartedStack, startStack } from './stack';
import { callApi, SHIPPING_ADDRESS, signIn, signInSeeded, signUpConfirmed } from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-concurrency-'));
const run = randomUUID().slice(0, 8);
const BURST = 48;
const STOCK = 18;
const RUNS = 5;
/**
 * Sign-ups go a few at a time: each runs three Cognito triggers on auth-hooks' Lambda port, which
 * cognito-local calls directly (not through the front), and the burst under test is the orders'.
 */
const SIGN_UP_PARALLELISM = 4;
const PASSWORD = 'E2e-Passw0rd!x';

let stack: StartedStack;
let endpoints: Endpoints;
let cognito: CognitoIdentityProviderClient;
let admin = '';
/** One ID token per customer: every order of a burst comes from a different customer. */
let customers: string[] = [];

interface ErrorBody {
  error: { code: string };
}

async function newCustomer(index: number): Promise<string> {
  const email = `e2e-burst-${index}-${run}@example.com`;
  await signUpConfirmed(cognito, endpoints.cognito, { email, password: PASSWORD, name: `Burst ${index}` });
  const { idToken } = await signIn(cognito, endpoints.cognito.clientId, email, PASSWORD);
  // The post-confirmation trigger puts them in `customer`; without it every order would be a 403.
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString());
  expect(claims['cognito:groups'], `${email}'s groups\n${stack.output().slice(-4000)}`).toContain('customer');
  return idToken;
}

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    const batch = Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}

beforeAll(async () => {
  stack = await startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: ['--fresh'] });
  endpoints = stack.endpoints;
  cognito = cognitoClient(endpoints.cognito.endpoint, endpoints.cognito.region);
  admin = await signInSeeded(cognito, endpoints.cognito, 'admin@example.com');
  customers = await inBatches(BURST, SIGN_UP_PARALLELISM, newCustomer);
});

afterAll(async () => {
  cognito?.destroy();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a burst of concurrent orders through npm start', () => {
  test(`${BURST} single-unit orders from ${BURST} customers on ${STOCK} in stock place exactly ${STOCK}, ${RUNS} bursts in a row`, async () => {
    for (let burst = 1; burst <= RUNS; burst += 1) {
      const product = await callApi<{ id: string; stock: number }>(endpoints.apiUrl, 'POST', '/products', {
        authorization: `Bearer ${admin}`,
        body: {
          sku: `E2E-BURST-${run}-${burst}`,
          name: 'Burst test product',
          category: 'e2e',
          price: { amount: 500, currency: 'USD' },
          stock: STOCK,
        },
      });
      expect(product.status, JSON.stringify(product.body)).toBe(201);

      const answers = await Promise.all(
        customers.map((token) =>
          callApi<ErrorBody>(endpoints.apiUrl, 'POST', '/orders', {
            authorization: `Bearer ${token}`,
            body: { items: [{ productId: product.body.id, quantity: 1 }], shippingAddress: SHIPPING_ADDRESS },
          }),
        ),
      );

      const outcomes = new Map<string, number>();
      for (const answer of answers) {
        const outcome = answer.status === 201 ? '201' : `${answer.status} ${answer.body?.error?.code}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      const seen = Object.fromEntries(outcomes);
      expect(seen, `burst ${burst}`).toEqual({ 201: STOCK, '409 INSUFFICIENT_STOCK': BURST - STOCK });
      const after = await callApi<{ stock: number }>(endpoints.apiUrl, 'GET', `/products/${product.body.id}`);
      expect(after.body.stock, `burst ${burst}`).toBe(0);
    }
  });
});
