// Sign-up, sign-in and roles end to end, on one `npm start`: cognito-local with the real auth-hooks
// triggers, the front's bearer-token verification, and the authorisation of every route api.md
// defines so far, for anonymous callers, two customers, a user in no group and an admin. Whatever
// is refused must change nothing: each refused write is checked against the database.
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
import { type ApiResponse, callApi, signIn as signInWith, signUpConfirmed } from './support';

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

/** Everything a catalog write could touch; equal before and after = nothing changed. */
async function fingerprint(): Promise<unknown> {
  const { rows } = await db.query(`
    select (select count(*) from products)::int as products,
           (select count(*) from products where status = 'archived')::int as archived,
           (select coalesce(sum(version), 0) from products)::int as versions,
           (select coalesce(sum(stock), 0) from products)::int as stock,
           (select max(updated_at) from products)::text as last_update,
           (select count(*) from stock_adjustments)::int as adjustments,
           (select count(*) from stock_subscriptions)::int as subscriptions,
           (select count(*) from customers)::int as customers`);
  return rows[0];
}

const newProduct = (label: string) => ({
  sku: `E2E-${label}-${run}-${randomUUID().slice(0, 6)}`,
  name: `E2E ${label}`,
  category: 'e2e',
  price: { amount: 1234, currency: 'USD' },
  stock: 5,
});

async function createProduct(label: string): Promise<string> {
  const created = await api('POST', '/products', bearer('admin'), newProduct(label));
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
    const before = await fingerprint();

    await expect(
      cognito.send(
        new SignUpCommand({ ClientId: endpoints.cognito.clientId, Username: email, Password: PASSWORD }),
      ),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });

    await expect(
      cognito.send(new AdminGetUserCommand({ UserPoolId: endpoints.cognito.userPoolId, Username: email })),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(await fingerprint()).toEqual(before);
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

describe('authorisation matrix', () => {
  let productId: string;
  let archiveTargetId: string;

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
    productId = await createProduct('matrix');
    archiveTargetId = await createProduct('archive');
  });

  const ADMIN_ONLY = (success: number): Record<Caller, number> => ({
    anonymous: 401,
    customer: 403,
    secondCustomer: 403,
    noGroup: 403,
    admin: success,
  });
  const ANYONE = { anonymous: 200, customer: 200, secondCustomer: 200, noGroup: 200, admin: 200 };

  interface Route {
    method: string;
    path: () => string;
    body?: (caller: Caller) => unknown;
    expected: Record<Caller, number>;
  }

  // Every route of api.md that exists so far. Order matters only for the archive, which is last.
  const routes: Record<string, Route> = {
    'GET /health': { method: 'GET', path: () => '/health', expected: ANYONE },
    'GET /products': { method: 'GET', path: () => '/products?limit=5', expected: ANYONE },
    'GET /products/{id}': { method: 'GET', path: () => `/products/${productId}`, expected: ANYONE },
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
      path: () => `/products/${productId}`,
      body: (caller) => ({ name: `renamed by ${caller}` }),
      expected: ADMIN_ONLY(200),
    },
    'POST /products/{id}/stock-adjustments': {
      method: 'POST',
      path: () => `/products/${productId}/stock-adjustments`,
      body: () => ({ delta: 3, reason: 'restock' }),
      expected: ADMIN_ONLY(200),
    },
    'POST /products/{id}/image-uploads': {
      method: 'POST',
      path: () => `/products/${productId}/image-uploads`,
      body: () => ({ contentType: 'image/png', contentLength: 1024 }),
      expected: ADMIN_ONLY(201),
    },
    'GET /products/{id}/stock-history': {
      method: 'GET',
      path: () => `/products/${productId}/stock-history?limit=5`,
      expected: ADMIN_ONLY(200),
    },
    // The seeded admin is also in the customer group; each customer opens their own subscription.
    'POST /products/{id}/stock-subscriptions': {
      method: 'POST',
      path: () => `/products/${productId}/stock-subscriptions`,
      expected: { anonymous: 401, customer: 201, secondCustomer: 201, noGroup: 403, admin: 201 },
    },
    'DELETE /products/{id}/stock-subscriptions': {
      method: 'DELETE',
      path: () => `/products/${productId}/stock-subscriptions`,
      expected: { anonymous: 401, customer: 204, secondCustomer: 204, noGroup: 403, admin: 204 },
    },
    'DELETE /products/{id}': {
      method: 'DELETE',
      path: () => `/products/${archiveTargetId}`,
      expected: ADMIN_ONLY(204),
    },
  };

  test.each(Object.keys(routes))('%s', async (name) => {
    const route = routes[name]!;
    const statuses: Partial<Record<Caller, number>> = {};
    for (const caller of CALLERS) {
      const before = await fingerprint();
      const response = await api(route.method, route.path(), bearer(caller), route.body?.(caller));
      statuses[caller] = response.status;
      expect(response.requestId, `${name} as ${caller}: x-request-id`).toBeTruthy();
      if (response.status === 401 || response.status === 403) {
        expect(response.body, `${name} as ${caller}`).toMatchObject({
          error: { code: response.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN' },
        });
        expect(await fingerprint(), `${name} as ${caller} changed something`).toEqual(before);
      }
    }
    expect(statuses).toEqual(route.expected);
  });

  test('GET /me answers each caller with their own record', async () => {
    const ids = new Set<string>();
    for (const caller of ['customer', 'secondCustomer', 'admin'] as const) {
      const me = await api('GET', '/me', bearer(caller));
      expect((me.body as { id: string }).id).toBe(decodeJwt(tokens[caller]!).sub);
      ids.add((me.body as { id: string }).id);
    }
    expect(ids.size).toBe(3);
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

  test.each(cases)(
    '401 for %s, on a write and on a public read, and nothing changes',
    async (_name, make, why) => {
      const token = await make();
      const before = await fingerprint();
      const product = await api('GET', `/products/${productId}`);

      const write = await adjust(token);
      const read = await api('GET', '/products?limit=1', token);

      for (const response of [write, read]) {
        expect(response.status).toBe(401);
        expect(response.requestId).toBeTruthy();
        expect(response.body).toMatchObject({
          error: { code: 'UNAUTHORIZED', message: expect.stringMatching(why) },
        });
      }
      expect(await fingerprint()).toEqual(before);
      expect(await api('GET', `/products/${productId}`)).toMatchObject({ status: 200, body: product.body });
    },
  );

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
    const before = await fingerprint();

    const response = await adjust(`Bearer ${idToken}`);

    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await fingerprint()).toEqual(before);
  });
});
