// `npm start` end to end: a fresh start serves seeded products on one base URL and signs the seeded
// customer in, Ctrl-C leaves no process and no port behind, and a second start finds the same data
// and the same users. (Sign-up, roles and tokens in depth: auth.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { SEEDED_USERS } from '../../scripts/dev/seed-users';
import { cognitoClient } from '../../scripts/lib/cognito-local';
import { findFreePort } from '../../scripts/lib/ports';
import { type Endpoints, type StartedStack, startStack } from './stack';
import { signIn } from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
let running: StartedStack | undefined;

interface ProductPage {
  items: Array<{ id: string; sku: string }>;
  nextCursor: string | null;
}

/** GET /me of the seeded customer, signed in through cognito-local. */
async function seededCustomerMe(endpoints: Endpoints): Promise<{ status: number; body: { id?: string } }> {
  const customer = SEEDED_USERS.find((user) => user.email === 'customer@example.com')!;
  const client = cognitoClient(endpoints.cognito.endpoint, endpoints.cognito.region);
  try {
    const { idToken } = await signIn(client, endpoints.cognito.clientId, customer.email, customer.password);
    const response = await fetch(`${endpoints.apiUrl}/me`, {
      headers: { authorization: `Bearer ${idToken}` },
    });
    return { status: response.status, body: (await response.json()) as { id?: string } };
  } finally {
    client.destroy();
  }
}

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// Tests in a file run in order; each step builds on the previous one.
describe('npm start', () => {
  let firstIds: string[] = [];
  let customerId: string | undefined;

  test('a fresh start serves the seeded catalog on one base URL', async () => {
    running = await startStack({ root: ROOT, dataDir, port: await findFreePort(3000), args: ['--fresh'] });
    const { endpoints } = running;
    expect(endpoints.s3.assetsBucket).toBeTruthy();

    const response = await fetch(`${endpoints.apiUrl}/products`);

    expect(response.status, running.output()).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const page = (await response.json()) as ProductPage;
    expect(page.items.length).toBeGreaterThan(0);
    firstIds = page.items.map((product) => product.id);
  });

  test('the seeded customer signs in and gets GET /me', async () => {
    const me = await seededCustomerMe(running!.endpoints);

    expect(me.status, running!.output()).toBe(200);
    customerId = me.body.id;
    expect(customerId).toBeTruthy();
  });

  test('an unknown path is a 404 in the API error shape', async () => {
    const response = await fetch(`${running!.endpoints.apiUrl}/no-such-route`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  test('Ctrl-C stops every process it started and releases every port', async () => {
    await running!.stop();
    running = undefined;
  });

  test('a second start without --fresh keeps the data and does not seed twice', async () => {
    running = await startStack({ root: ROOT, dataDir, port: await findFreePort(3000), args: [] });

    const response = await fetch(`${running.endpoints.apiUrl}/products`);

    expect(response.status, running.output()).toBe(200);
    const page = (await response.json()) as ProductPage;
    expect(page.items.map((product) => product.id)).toEqual(firstIds);
    expect(running.output()).toMatch(/catalog already has products: not seeding/);
    // Same user pool, same users, same customer row: nothing is seeded twice.
    expect(running.output()).toMatch(/dev users already exist: not seeding/);
    expect(await seededCustomerMe(running.endpoints)).toEqual({
      status: 200,
      body: expect.objectContaining({ id: customerId }),
    });

    await running.stop();
    running = undefined;
  });
});
