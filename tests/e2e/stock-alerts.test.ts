// Stock alerts end to end, on one `npm start`: order -> outbox -> kinesalite `stock-events` ->
// inventory-stream (local Kinesis mapping) -> SNS stand-in `stock-alerts` -> local queue ->
// notifier (local SQS mapping) -> aws-ses-v2-local. Each email must reach the mail store exactly
// once. How long that takes is printed, not asserted (other projects load this machine; speed is
// the benchmarks' business): WAIT_MS only bounds a hang. Last, a restart on the same data
// sends no old email again.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SEEDED_USERS } from '../../scripts/dev/seed-users';
import { cognitoClient } from '../../scripts/lib/cognito-local';
import { randomFreePort } from '../../scripts/lib/ports';
import type { StoredEmail } from '../../scripts/lib/ses-local';
import { type Endpoints, type StartedStack, startStack } from './stack';
import { type ApiResponse, callApi, signIn } from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-stock-alerts-'));
const run = randomUUID().slice(0, 8);
/** How long to wait for an email or a ledger row before failing: far above any healthy run. */
const WAIT_MS = 60_000;
/** After the last event of a step reached the ledger: time enough for a duplicate email to show. */
const QUIET_MS = 2_500;
const ADMIN = 'admin@example.com';
const CUSTOMER = 'customer@example.com';

let stack: StartedStack | undefined;
let endpoints: Endpoints;
const tokens = { customer: '', admin: '' };
const timings: string[] = [];

interface Product {
  id: string;
  name: string;
  stock: number;
  lowStockThreshold: number;
}

/** The end of what `npm start` printed, for failure messages. */
const tail = () => `--- start output ---\n${stack?.output().slice(-6000)}`;

const api = <T = unknown>(caller: keyof typeof tokens, method: string, path: string, body?: unknown) =>
  callApi<T>(endpoints.apiUrl, method, path, { authorization: `Bearer ${tokens[caller]}`, body });

const shippingAddress = {
  name: 'Grace Hopper',
  line1: '1 Compiler Way',
  city: 'Arlington',
  postalCode: '22201',
  country: 'US',
};

async function createProduct(label: string, stock: number, lowStockThreshold: number): Promise<Product> {
  const created = await api<Product>('admin', 'POST', '/products', {
    sku: `E2E-${label}-${run}`,
    name: `E2E ${label} Lamp ${run}`,
    category: 'e2e',
    price: { amount: 1250, currency: 'USD' },
    stock,
    lowStockThreshold,
  });
  expect(created.status, `${JSON.stringify(created.body)}\n${tail()}`).toBe(201);
  return created.body;
}

/** Emails in the SES stand-in's store (endpoints.json `mailStoreUrl`) to `recipient` about `product`. */
async function emailsAbout(product: Product, recipient: string): Promise<StoredEmail[]> {
  const response = await fetch(endpoints.mailStoreUrl);
  expect(response.status).toBe(200);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter(
    (email) => email.destination.to.includes(recipient) && email.subject.includes(product.name),
  );
}

/** Polls the mail store until an email to `recipient` about `product` is there; fails after WAIT_MS. */
async function firstEmail(product: Product, recipient: string, since: number, step: string) {
  let found: StoredEmail[] = [];
  while (Date.now() - since <= WAIT_MS) {
    found = await emailsAbout(product, recipient);
    if (found.length > 0) {
      const elapsed = Date.now() - since;
      timings.push(`${step}: email in the mail store ${elapsed} ms after the request`);
      return found[0]!;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no email to ${recipient} about ${product.name} within ${WAIT_MS} ms\n${tail()}`);
}

/** Waits until inventory-stream has recorded `count` ledger rows of the product (the events are consumed). */
async function waitForLedger(productId: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: endpoints.databaseUrl });
  await client.connect();
  try {
    await expect
      .poll(
        async () =>
          Number(
            (await client.query('select count(*) as n from stock_ledger where product_id = $1', [productId]))
              .rows[0].n,
          ),
        { timeout: WAIT_MS, interval: 100 },
      )
      .toBeGreaterThanOrEqual(count);
  } finally {
    await client.end();
  }
}

/**
 * Fresh ID tokens for the seeded users. Again after a restart: the token's issuer names
 * cognito-local's port, which may differ from the last run's when the preferred one was busy.
 */
async function signInSeededUsers(): Promise<void> {
  const cognito = cognitoClient(endpoints.cognito.endpoint, endpoints.cognito.region);
  try {
    const password = (email: string) => SEEDED_USERS.find((user) => user.email === email)!.password;
    const clientId = endpoints.cognito.clientId;
    tokens.customer = (await signIn(cognito, clientId, CUSTOMER, password(CUSTOMER))).idToken;
    tokens.admin = (await signIn(cognito, clientId, ADMIN, password(ADMIN))).idToken;
  } finally {
    cognito.destroy();
  }
}

beforeAll(async () => {
  stack = await startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: ['--fresh'] });
  endpoints = stack.endpoints;
  expect(endpoints.mailStoreUrl, 'mailStoreUrl in .dev/endpoints.json').toMatch(/\/store$/);
  expect(endpoints.sns.stockAlertsTopicArn).toMatch(/:stock-alerts$/);
  expect(Object.keys(endpoints.services)).toEqual(expect.arrayContaining(['inventory-stream', 'notifier']));
  await signInSeededUsers();
  // A fresh start (initdb, five services built by esbuild) on a busy 2-core machine can pass the
  // project's 120 s hook timeout; startStack gives up (and stops the stack) at 240 s itself.
}, 300_000);

afterAll(async () => {
  if (timings.length > 0) console.log(`stock alert timings:\n  ${timings.join('\n  ')}`);
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stock alert emails on the local stack', () => {
  test('orders taking stock to its threshold send exactly one LowStock email to the admin', async () => {
    const product = await createProduct('Low', 7, 5);
    let stock = product.stock;
    let crossedAt = 0;
    let orders = 0;
    while (stock > product.lowStockThreshold) {
      const placed: ApiResponse = await api('customer', 'POST', '/orders', {
        items: [{ productId: product.id, quantity: 1 }],
        shippingAddress,
      });
      crossedAt = Date.now();
      expect(placed.status, `${JSON.stringify(placed.body)}\n${tail()}`).toBe(201);
      stock -= 1;
      orders += 1;
    }
    expect(orders).toBe(2);

    const email = await firstEmail(product, ADMIN, crossedAt, 'LowStock (order)');

    expect(email.subject).toMatch(/^Low stock: /);
    expect(email.body.text).toContain(product.name);
    expect(email.body.html).toContain(product.name);
    // One more order stays below the threshold: no new crossing, no new email.
    const below = await api('customer', 'POST', '/orders', {
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddress,
    });
    expect(below.status).toBe(201);
    // Created at 7, then three orders: four events.
    await waitForLedger(product.id, 4);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(await emailsAbout(product, ADMIN)).toHaveLength(1);
  });

  test('a restock from 0 sends exactly one back-in-stock email to the subscribed customer; a second restock sends nothing', async () => {
    const product = await createProduct('Back', 0, 5);
    const subscribed = await api<{ productId: string; email: string }>(
      'customer',
      'POST',
      `/products/${product.id}/stock-subscriptions`,
    );
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    expect(subscribed.body).toMatchObject({ productId: product.id, email: CUSTOMER });

    const restock = await api<{ stock: number }>(
      'admin',
      'POST',
      `/products/${product.id}/stock-adjustments`,
      {
        delta: 3,
        reason: 'restock',
      },
    );
    const restockedAt = Date.now();
    expect(restock.status, JSON.stringify(restock.body)).toBe(200);
    expect(restock.body.stock).toBe(3);

    const email = await firstEmail(product, CUSTOMER, restockedAt, 'BackInStock (restock)');

    expect(email.subject).toMatch(/^Back in stock: /);
    expect(email.body.text).toContain(product.name);
    expect(email.body.html).toContain(product.name);

    const again = await api<{ stock: number }>('admin', 'POST', `/products/${product.id}/stock-adjustments`, {
      delta: 2,
      reason: 'restock',
    });
    expect(again.status).toBe(200);
    expect(again.body.stock).toBe(5);
    await waitForLedger(product.id, 2);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(await emailsAbout(product, CUSTOMER)).toHaveLength(1);
    // Nobody else was told either: the admin gets no back-in-stock email.
    expect(await emailsAbout(product, ADMIN)).toHaveLength(0);
  });

  test('after a restart on the same data nothing is mailed again, and a new crossing is mailed once', async () => {
    await stack!.stop();
    stack = await startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: [] });
    endpoints = stack.endpoints;
    await signInSeededUsers();
    // The stream consumer kept its checkpoints, but kinesalite started empty: a new stream.
    expect(stack.output()).toContain('stock-events: new stream');
    const product = await createProduct('Restart', 6, 5);

    const placed = await api('customer', 'POST', '/orders', {
      items: [{ productId: product.id, quantity: 1 }],
      shippingAddress,
    });
    const placedAt = Date.now();
    expect(placed.status, `${JSON.stringify(placed.body)}\n${tail()}`).toBe(201);
    await firstEmail(product, ADMIN, placedAt, 'LowStock (after a restart)');
    await waitForLedger(product.id, 2);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    // The SES stand-in starts empty too: anything else in it was sent again after the restart.
    const response = await fetch(endpoints.mailStoreUrl);
    const { emails } = (await response.json()) as { emails: StoredEmail[] };
    expect(emails.map((email) => email.subject)).toEqual([expect.stringContaining(product.name)]);
  });
});
