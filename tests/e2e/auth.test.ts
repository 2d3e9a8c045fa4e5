// Sign-up, sign-in and roles end to end, on one `npm start`: cognito-local with the real auth-hooks
// triggers, the front's bearer-token verification, and the authorisation of every route of api.md,
// for anonymous callers, two customers, a user in no group and an admin; every bad token on every
// route; and what the front refuses (serverless-offline's authorizer override, foreign Host names).
// Whatever is refused must change nothing: the database's rows are compared before and after.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SEEDED_USERS } from '../../scripts/dev/seed-users';
import { cognitoClient } from '../../scripts/lib/cognito-local';
import { randomFreePort } from '../../scripts/lib/ports';
import { type Endpoints, type StartedStack, startStack } from './stack';
import {
  type ApiResponse,
  callApi,
  callApiAsHost,
  SHIPPING_ADDRESS as shippingAddress,
  signIn as signInWith,
  signUpConfirmed,
} from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-auth-'));
const PASSWORD = 'E2e-Passw0rd!x';
const run = randomUUID().slice(0, 8);

let stack: StartedStack | undefined;
let endpoints: Endpoints;
let cognito: CognitoIdentityProviderClient;
let db: pg.Pool;

type SigningKey = Parameters<SignJWT['sign']>[0];
type Caller = 'anonymous' | 'customer' | 'secondCustomer' | 'noGroup' | 'admin';
const CALLERS: readonly Caller[] = ['anonymous', 'customer', 'secondCustomer', 'noGroup', 'admin'];
const tokens: Partial<Record<Caller, string>> = {};

const api = (method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse> =>
  callApi(endpoints.apiUrl, method, path, { authorization: token, body });

const bearer = (caller: Caller) => (tokens[caller] === undefined ? undefined : `Bearer ${tokens[caller]}`);

const signIn = (email: string, password: string, clientId = endpoints.cognito.clientId) =>
  signInWith(cognito, clientId, email, password);

/** Signs a new user up and confirms them, as an admin would: the real triggers run. */
const newUser = (label: string): Promise<{ email: string; sub: string }> =>
  signUpConfirmed(cognito, endpoints.cognito, {
    email: `e2e-${label}-${run}@example.com`,
    password: PASSWORD,
    name: `E2E ${label}`,
  });

// Tables that only the stream consumers write, after the request that caused it, and columns that
// the outbox relay and the notifier fill in later: an earlier accepted write may still be moving
// through them while a refused one is checked.
const WRITTEN_LATER = new Set(['stock_ledger', 'stock_alerts', 'notification_deliveries']);
const FILLED_IN_LATER: Record<string, string[]> = {
  outbox: ['published_at'],
  stock_subscriptions: ['fulfilled_at', 'fulfilled_by_alert'],
};
const WRITTEN_BY_REQUESTS = [
  'customers',
  'order_items',
  'orders',
  'outbox',
  'products',
  'stock_adjustments',
  'stock_subscriptions',
];

/**
 * Every row of every table a request can write (all of the schema but the migrations' and the
 * consumers'), each as JSON, sorted: equal before and after = nothing changed.
 */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely%'
      order by table_name`,
  );
  const names = tables.map(({ name }) => name).filter((name) => !WRITTEN_LATER.has(name));
  expect(names, 'the tables requests write').toEqual(expect.arrayContaining(WRITTEN_BY_REQUESTS));
  const rowsByTable: Record<string, unknown[]> = {};
  for (const name of names) {
    const { rows } = await db.query<{ row: unknown }>(
      `select row from (select to_jsonb(t) - $1::text[] as row from ${pg.escapeIdentifier(name)} t) rows
        order by row::text`,
      [FILLED_IN_LATER[name] ?? []],
    );
    rowsByTable[name] = rows.map(({ row }) => row);
  }
  return rowsByTable;
}

const newProduct = (label: string, stock = 5) => ({
  sku: `E2E-${label}-${run}-${randomUUID().slice(0, 6)}`,
  name: `E2E ${label}`,
  category: 'e2e',
  price: { amount: 1234, currency: 'USD' },
  stock,
});

async function createProduct(label: string, stock?: number): Promise<string> {
  const created = await api('POST', '/products', bearer('admin'), newProduct(label, stock));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return (created.body as { id: string }).id;
}

beforeAll(async () => {
  stack = await startStack({ root: ROOT, dataDir, port: await randomFreePort(), args: ['--fresh'] });
  endpoints = stack.endpoints;
  expect(endpoints.cognito).toMatchObject({ userPoolId: expect.any(String), clientId: expect.any(String) });
  cognito = cognitoClient(endpoints.cognito.endpoint, endpoints.cognito.region);
  db = new pg.Pool({ connectionString: endpoints.databaseUrl, max: 2 });
});

afterAll(async () => {
  cognito?.destroy();
  await db?.end();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sign-up -> confirm -> sign-in -> GET /me', () => {
  test('a new user signs up, is confirmed, signs in and gets GET /me with the customer group', async () => {
    const email = `e2e-shopper-${run}@example.com`;
    const { UserSub: sub } = await cognito.send(
      new SignUpCommand({
        ClientId: endpoints.cognito.clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'name', Value: 'E2E Shopper' },
        ],
      }),
    );
    await expect(signIn(email, PASSWORD)).rejects.toMatchObject({ name: 'UserNotConfirmedException' });

    await cognito.send(
      new AdminConfirmSignUpCommand({ UserPoolId: endpoints.cognito.userPoolId, Username: email }),
    );
    const { idToken } = await signIn(email, PASSWORD);
    const me = await api('GET', '/me', `Bearer ${idToken}`);

    expect(me.status, `${JSON.stringify(me.body)}\n${stack!.output().slice(-3000)}`).toBe(200);
    expect(me.requestId).toBeTruthy();
    expect(me.body).toMatchObject({ id: sub, email, name: 'E2E Shopper', groups: ['customer'] });
    expect(decodeJwt(idToken)['cognito:groups']).toEqual(['customer']);
  });

  test('pre sign-up refuses a blocked email domain and nothing is created', async () => {
    const email = `e2e-blocked-${run}@mailinator.com`;
    const before = await snapshot();

    await expect(
      cognito.send(
        new SignUpCommand({ ClientId: endpoints.cognito.clientId, Username: email, Password: PASSWORD }),
      ),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });

    await expect(
      cognito.send(new AdminGetUserCommand({ UserPoolId: endpoints.cognito.userPoolId, Username: email })),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(await snapshot()).toEqual(before);
  });

  test('the seeded users sign in with their documented passwords and have their roles', async () => {
    const expectedGroups: Record<string, string[]> = {
      'admin@example.com': ['admin', 'customer'],
      'customer@example.com': ['customer'],
    };
    for (const user of SEEDED_USERS) {
      const { idToken } = await signIn(user.email, user.password);
      const me = await api('GET', '/me', `Bearer ${idToken}`);

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: user.email, name: user.name });
      expect([...(me.body as { groups: string[] }).groups].sort()).toEqual(expectedGroups[user.email]);
    }
  });
});

/** The things the routes below act on, made in the matrix's beforeAll. */
const ids = { product: '', archiveTarget: '', orderProduct: '', order: '', cancelTarget: '', shipTarget: '' };

async function placeOrder(caller: Caller): Promise<string> {
  const placed = await api('POST', '/orders', bearer(caller), {
    items: [{ productId: ids.orderProduct, quantity: 1 }],
    shippingAddress,
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  return (placed.body as { id: string }).id;
}

const ADMIN_ONLY = (success: number): Record<Caller, number> => ({
  anonymous: 401,
  customer: 403,
  secondCustomer: 403,
  noGroup: 403,
  admin: success,
});
const ANYONE = { anonymous: 200, customer: 200, secondCustomer: 200, noGroup: 200, admin: 200 };
/** Customers and admins; the seeded admin is also a customer. */
const SHOPPERS = (success: number): Record<Caller, number> => ({
  anonymous: 401,
  customer: success,
  secondCustomer: success,
  noGroup: 403,
  admin: success,
});
/** The owner (the seeded customer) and admins; another customer is told it does not exist. */
const OWNER_OR_ADMIN = { anonymous: 401, customer: 200, secondCustomer: 404, noGroup: 403, admin: 200 };

const REFUSAL_CODES: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

interface Route {
  method: string;
  path: () => string;
  body?: (caller: Caller) => unknown;
  expected: Record<Caller, number>;
}

// Every route of api.md, in the order they are tried (callers in CALLERS order within each).
const routes: Record<string, Route> = {
  'GET /health': { method: 'GET', path: () => '/health', expected: ANYONE },
  'GET /products': { method: 'GET', path: () => '/products?limit=5', expected: ANYONE },
  'GET /products/{id}': { method: 'GET', path: () => `/products/${ids.product}`, expected: ANYONE },
  'GET /me': {
    method: 'GET',
    path: () => '/me',
    expected: { anonymous: 401, customer: 200, secondCustomer: 200, noGroup: 200, admin: 200 },
  },
  'POST /products': {
    method: 'POST',
    path: () => '/products',
    body: (caller) => newProduct(caller),
    expected: ADMIN_ONLY(201),
  },
  'PATCH /products/{id}': {
    method: 'PATCH',
    path: () => `/products/${ids.product}`,
    body: (caller) => ({ name: `renamed by ${caller}` }),
    expected: ADMIN_ONLY(200),
  },
  'POST /products/{id}/stock-adjustments': {
    method: 'POST',
    path: () => `/products/${ids.product}/stock-adjustments`,
    body: () => ({ delta: 3, reason: 'restock' }),
    expected: ADMIN_ONLY(200),
  },
  'POST /products/{id}/image-uploads': {
    method: 'POST',
    path: () => `/products/${ids.product}/image-uploads`,
    body: () => ({ contentType: 'image/png', contentLength: 1024 }),
    expected: ADMIN_ONLY(201),
  },
  'GET /products/{id}/stock-history': {
    method: 'GET',
    path: () => `/products/${ids.product}/stock-history?limit=5`,
    expected: ADMIN_ONLY(200),
  },
  // Each customer opens their own subscription.
  'POST /products/{id}/stock-subscriptions': {
    method: 'POST',
    path: () => `/products/${ids.product}/stock-subscriptions`,
    expected: SHOPPERS(201),
  },
  'DELETE /products/{id}/stock-subscriptions': {
    method: 'DELETE',
    path: () => `/products/${ids.product}/stock-subscriptions`,
    expected: SHOPPERS(204),
  },
  'DELETE /products/{id}': {
    method: 'DELETE',
    path: () => `/products/${ids.archiveTarget}`,
    expected: ADMIN_ONLY(204),
  },
  'POST /orders': {
    method: 'POST',
    path: () => '/orders',
    body: () => ({ items: [{ productId: ids.orderProduct, quantity: 1 }], shippingAddress }),
    expected: SHOPPERS(201),
  },
  'GET /orders': { method: 'GET', path: () => '/orders?limit=5', expected: SHOPPERS(200) },
  'GET /orders/{id}': { method: 'GET', path: () => `/orders/${ids.order}`, expected: OWNER_OR_ADMIN },
  // The owner cancels before the others try (then it answers 200 unchanged), so the refused
  // attempts are checked on an order that could still change.
  'POST /orders/{id}/cancel': {
    method: 'POST',
    path: () => `/orders/${ids.cancelTarget}/cancel`,
    expected: OWNER_OR_ADMIN,
  },
  'POST /orders/{id}/status': {
    method: 'POST',
    path: () => `/orders/${ids.shipTarget}/status`,
    body: () => ({ status: 'shipped' }),
    expected: ADMIN_ONLY(200),
  },
};

describe('authorisation matrix', () => {
  beforeAll(async () => {
    tokens.customer = (await signIn('customer@example.com', SEEDED_USERS[1]!.password)).idToken;
    tokens.admin = (await signIn('admin@example.com', SEEDED_USERS[0]!.password)).idToken;
    tokens.secondCustomer = (await signIn((await newUser('second')).email, PASSWORD)).idToken;
    const loner = await newUser('nogroup');
    await cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: endpoints.cognito.userPoolId,
        Username: loner.email,
        GroupName: 'customer',
      }),
    );
    tokens.noGroup = (await signIn(loner.email, PASSWORD)).idToken;
    expect(decodeJwt(tokens.noGroup)['cognito:groups'] ?? []).toEqual([]);
    ids.product = await createProduct('matrix');
    ids.archiveTarget = await createProduct('archive');
    ids.orderProduct = await createProduct('orders', 50);
    ids.order = await placeOrder('customer');
    ids.cancelTarget = await placeOrder('customer');
    ids.shipTarget = await placeOrder('customer');
  });

  test.each(Object.keys(routes))('%s', async (name) => {
    const route = routes[name]!;
    const statuses: Partial<Record<Caller, number>> = {};
    for (const caller of CALLERS) {
      const before = await snapshot();
      const response = await api(route.method, route.path(), bearer(caller), route.body?.(caller));
      statuses[caller] = response.status;
      expect(response.requestId, `${name} as ${caller}: x-request-id`).toBeTruthy();
      if (response.status >= 400) {
        const code = REFUSAL_CODES[response.status];
        expect(response.body, `${name} as ${caller}`).toMatchObject({ error: { code } });
        expect(await snapshot(), `${name} as ${caller} changed something`).toEqual(before);
      }
    }
    expect(statuses).toEqual(route.expected);
  });

  test('GET /me answers each caller with their own record', async () => {
    const seen = new Set<string>();
    for (const caller of ['customer', 'secondCustomer', 'admin'] as const) {
      const me = await api('GET', '/me', bearer(caller));
      expect((me.body as { id: string }).id).toBe(decodeJwt(tokens[caller]!).sub);
      seen.add((me.body as { id: string }).id);
    }
    expect(seen.size).toBe(3);
  });
});

describe('tokens the front refuses', () => {
  let adminToken: string;
  let adminAccessToken: string;
  let adminClaims: JWTPayload;
  let cognitoLocalKey: SigningKey;
  let productId: string;
  const now = () => Math.floor(Date.now() / 1000);

  /** Admin's own claims, re-signed with cognito-local's real key (it ships in the package). */
  const resigned = (changes: Record<string, unknown>, key: SigningKey = cognitoLocalKey) =>
    new SignJWT({ ...adminClaims, ...changes })
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal', typ: 'JWT' })
      .sign(key);

  beforeAll(async () => {
    const admin = await signIn('admin@example.com', SEEDED_USERS[0]!.password);
    adminToken = admin.idToken;
    adminAccessToken = admin.accessToken;
    adminClaims = decodeJwt(adminToken);
    const { jwk } = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json') as {
      jwk: JWK;
    };
    cognitoLocalKey = await importJWK(jwk, 'RS256');
    productId = await createProductAs(`Bearer ${adminToken}`);
  });

  async function createProductAs(token: string): Promise<string> {
    const created = await api('POST', '/products', token, newProduct('attack'));
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  }

  const adjust = (token: string) =>
    api('POST', `/products/${productId}/stock-adjustments`, token, { delta: 1, reason: 'correction' });

  test('control: admin claims re-signed with the pool key and a future expiry are accepted', async () => {
    const response = await adjust(`Bearer ${await resigned({ iat: now(), exp: now() + 600 })}`);

    expect(response.status).toBe(200);
  });

  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'a forged signature (one byte of the real signature flipped)',
      async () => {
        const [header, payload, signature] = adminToken.split('.');
        const bytes = Buffer.from(signature!, 'base64url');
        bytes[10] = bytes[10]! ^ 0xff;
        return `Bearer ${header}.${payload}.${bytes.toString('base64url')}`;
      },
      /signature/,
    ],
    [
      'a token signed with another key under the pool key id',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return `Bearer ${await resigned({ exp: now() + 600 }, privateKey)}`;
      },
      /signature/,
    ],
    [
      'an expired token (signed with the pool key)',
      async () => `Bearer ${await resigned({ iat: now() - 7200, exp: now() - 60 })}`,
      /expired/,
    ],
    [
      'a token for another app client (wrong audience)',
      async () => {
        const { UserPoolClient } = await cognito.send(
          new CreateUserPoolClientCommand({
            UserPoolId: endpoints.cognito.userPoolId,
            ClientName: `e2e-other-${run}`,
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
          }),
        );
        const other = await signIn('admin@example.com', SEEDED_USERS[0]!.password, UserPoolClient!.ClientId);
        return `Bearer ${other.idToken}`;
      },
      /aud/,
    ],
    [
      'a token of another user pool (wrong issuer, same key)',
      async () => `Bearer ${await resigned({ iss: `${endpoints.cognito.endpoint}/local_other` })}`,
      /iss/,
    ],
    ['an access token instead of the ID token', async () => `Bearer ${adminAccessToken}`, /ID token/],
    [
      'an unsigned token (alg none) claiming admin',
      async () => {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ ...adminClaims, exp: now() + 600 })}.`;
      },
      /malformed|RS256|Bearer/,
    ],
    ['the ID token without "Bearer"', async () => adminToken, /Bearer <ID token>/],
  ];

  test.each(cases)('401 for %s, on every route of api.md, and nothing changes', async (_name, make, why) => {
    const token = await make();
    const before = await snapshot();

    const responses = [];
    for (const [name, route] of Object.entries(routes)) {
      responses.push({ name, response: await api(route.method, route.path(), token, route.body?.('admin')) });
    }

    for (const { name, response } of responses) {
      expect(response.status, name).toBe(401);
      expect(response.requestId, name).toBeTruthy();
      expect(response.body, name).toMatchObject({
        error: { code: 'UNAUTHORIZED', message: expect.stringMatching(why) },
      });
    }
    expect(responses).toHaveLength(17);
    expect(await snapshot()).toEqual(before);
  });

  test('403 for a valid token of a user in no group on an admin route, and nothing changes', async () => {
    const loner = await newUser('nogroup-attack');
    await cognito.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: endpoints.cognito.userPoolId,
        Username: loner.email,
        GroupName: 'customer',
      }),
    );
    const { idToken } = await signIn(loner.email, PASSWORD);
    const before = await snapshot();

    const response = await adjust(`Bearer ${idToken}`);

    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await snapshot()).toEqual(before);
  });
});

describe('what the front does not let through', () => {
  let adminToken: string;
  let customerToken: string;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  beforeAll(async () => {
    adminToken = (await signIn('admin@example.com', SEEDED_USERS[0]!.password)).idToken;
    customerToken = (await signIn('customer@example.com', SEEDED_USERS[1]!.password)).idToken;
  });

  test("serverless-offline's authorizer override and identity headers make nobody an admin, and nothing changes", async () => {
    const admin = decodeJwt(adminToken);
    const headers = {
      'sls-offline-authorizer-override': JSON.stringify({ claims: admin, principalId: admin.sub }),
      'cognito-identity-id': `us-east-1:${admin.sub}`,
      'cognito-authentication-provider': `cognito-idp.us-east-1.amazonaws.com/${endpoints.cognito.userPoolId}`,
    };
    const before = await snapshot();

    const anonymousWrite = await callApi(endpoints.apiUrl, 'POST', '/products', {
      headers,
      body: newProduct('override'),
    });
    const anonymousMe = await callApi(endpoints.apiUrl, 'GET', '/me', { headers });
    const customerWrite = await callApi(endpoints.apiUrl, 'POST', '/products', {
      headers,
      authorization: `Bearer ${customerToken}`,
      body: newProduct('override'),
    });

    expect(anonymousWrite).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(anonymousMe).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(customerWrite).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await snapshot()).toEqual(before);
  });

  test('a request to a name other than loopback is refused, even with an admin token, and nothing changes', async () => {
    const port = new URL(endpoints.apiUrl).port;
    const rebound = `rebind.example:${port}`;
    const before = await snapshot();

    const write = await callApiAsHost(endpoints.apiUrl, rebound, 'POST', '/products', {
      headers: { authorization: `Bearer ${adminToken}` },
      body: newProduct('rebind'),
    });
    const read = await callApiAsHost(endpoints.apiUrl, rebound, 'GET', '/products?limit=1');
    const loopback = await Promise.all(
      [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].map((host) =>
        callApiAsHost(endpoints.apiUrl, host, 'GET', '/products?limit=1'),
      ),
    );

    for (const response of [write, read]) {
      expect(response.status).toBe(400);
      expect(response.requestId).toMatch(UUID);
      expect(response.body).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: [{ path: 'headers.host' }] },
      });
    }
    expect(await snapshot()).toEqual(before);
    expect(loopback.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  test("serverless-offline's own ports refuse a name other than loopback too, override header and all", async () => {
    // Its HTTP and Lambda ports (patches/serverless-offline@14.8.2.patch) skip the front's checks;
    // a rebinding page could otherwise send the authorizer override or any invocation there.
    const catalog = endpoints.services.catalog!;
    const rebound = (url: string) => `rebind.example:${new URL(url).port}`;
    const override = JSON.stringify({ claims: { sub: randomUUID(), 'cognito:groups': ['admin'] } });
    const before = await snapshot();

    const write = await callApiAsHost(catalog.url!, rebound(catalog.url!), 'POST', '/products', {
      headers: { 'sls-offline-authorizer-override': override },
      body: newProduct('rebind-offline'),
    });
    const invocation = await callApiAsHost(
      catalog.lambdaUrl,
      rebound(catalog.lambdaUrl),
      'POST',
      '/2015-03-31/functions/shop-catalog-local-health/invocations',
      { body: {} },
    );
    const loopback = await callApiAsHost(
      catalog.url!,
      `127.0.0.1:${new URL(catalog.url!).port}`,
      'GET',
      '/health',
    );

    expect(write.status).toBe(400);
    expect(invocation.status).toBe(400);
    expect(await snapshot()).toEqual(before);
    expect(loopback.status).toBe(200);
  });

  test("x-request-id is the API's own id on a service's answer and on the front's, never the client's", async () => {
    const sent = { 'x-request-id': `client-chosen-${run}` };

    const served = await callApi(endpoints.apiUrl, 'GET', '/products?limit=1', { headers: sent });
    const servedAgain = await callApi(endpoints.apiUrl, 'GET', '/products?limit=1', { headers: sent });
    const unrouted = await callApi(endpoints.apiUrl, 'GET', '/no-such-route', {
      headers: sent,
      record: false,
    });

    expect(served.status).toBe(200);
    expect(unrouted.status).toBe(404);
    for (const response of [served, servedAgain, unrouted]) expect(response.requestId).toMatch(UUID);
    expect(new Set([served.requestId, servedAgain.requestId, unrouted.requestId]).size).toBe(3);
  });
});
