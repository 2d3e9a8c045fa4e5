// Every catalog route against every class of bad input in api.md: the documented 4xx, a clear
// error body, and not a single row changed.
import type { Product } from '@shop/domain';
import { type ApiRequest, invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, createHarness, newProductBody, resetCatalog, snapshot } from '../support/harness';

const harness = createHarness();
const h = harness.handlers;
let product: Product;

beforeAll(async () => {
  await resetCatalog(harness);
  const res = await invoke<Product>(h.create, {
    method: 'POST',
    path: '/products',
    body: newProductBody({ sku: 'BASE-1' }),
    claims: ADMIN,
  });
  product = res.body;
  // An open subscription, so that a refused DELETE that closed it anyway would show in the snapshot.
  const subscribed = await invoke(h.subscribe, {
    method: 'POST',
    path: `/products/${product.id}/stock-subscriptions`,
    pathParameters: { id: product.id },
    claims: CUSTOMER,
  });
  expect(subscribed.statusCode).toBe(201);
});
afterAll(() => harness.close());

type Handler = Parameters<typeof invoke>[0];
interface Case {
  readonly name: string;
  readonly status: number;
  readonly code: string;
  readonly request: () => ApiRequest;
  /** Expected `error.details[].path` entries, when the case is about one field. */
  readonly paths?: string[];
}

const huge = 'x'.repeat(1_048_577);
const id = () => product.id;
const at = (path: string, method: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({
  method,
  path,
  claims: ADMIN,
  ...extra,
});

const writeBodyCases = (
  route: (body: unknown) => ApiRequest,
  valid: Record<string, unknown>,
  fields: {
    wrongType: [string, unknown];
    outOfRange: [string, unknown][];
    oversized: [string, unknown][];
    badEnum?: [string, unknown][];
  },
): Case[] => [
  { name: 'malformed JSON', status: 400, code: 'VALIDATION_FAILED', request: () => route('{"sku": "A", ') },
  {
    name: 'a JSON array instead of an object',
    status: 400,
    code: 'VALIDATION_FAILED',
    request: () => route('[1,2]'),
  },
  { name: 'JSON null', status: 400, code: 'VALIDATION_FAILED', request: () => route('null') },
  { name: 'an empty body', status: 400, code: 'VALIDATION_FAILED', request: () => route('') },
  {
    name: `a wrong type for ${fields.wrongType[0]}`,
    status: 400,
    code: 'VALIDATION_FAILED',
    request: () => route({ ...valid, ...set(fields.wrongType) }),
    paths: [fields.wrongType[0]],
  },
  {
    name: 'an unknown field',
    status: 400,
    code: 'VALIDATION_FAILED',
    request: () => route({ ...valid, isAdmin: true }),
    paths: ['isAdmin'],
  },
  ...fields.outOfRange.map(
    (f): Case => ({
      name: `${f[0]} out of range (${JSON.stringify(f[1])})`,
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => route({ ...valid, ...set(f) }),
      paths: [f[0]],
    }),
  ),
  ...fields.oversized.map(
    (f): Case => ({
      name: `an oversized ${f[0]}`,
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => route({ ...valid, ...set(f) }),
      paths: [f[0]],
    }),
  ),
  ...(fields.badEnum ?? []).map(
    (f): Case => ({
      name: `an unknown enum value for ${f[0]}`,
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => route({ ...valid, ...set(f) }),
      paths: [f[0]],
    }),
  ),
  {
    name: 'a body over 1 MiB',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    request: () => route({ ...valid, note: huge, name: huge }),
  },
];

/** `set(['price.amount', 5])` -> `{ price: { amount: 5, currency: 'USD' } }` (merged into valid nested objects). */
const set = ([path, value]: [string, unknown]): Record<string, unknown> => {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { [head!]: value };
  return { [head!]: { amount: 100, currency: 'USD', ...set([rest.join('.'), value]) } };
};

const malformedIdCases = (route: (id: string) => ApiRequest): Case[] =>
  ['not-a-uuid', "1' OR '1'='1", '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f5', '../../etc/passwd'].map((bad) => ({
    name: `the malformed id ${JSON.stringify(bad)}`,
    status: 400,
    code: 'VALIDATION_FAILED',
    request: () => route(bad),
    paths: ['id'],
  }));

const accessCases = (route: () => ApiRequest): Case[] => [
  {
    name: 'no token',
    status: 401,
    code: 'UNAUTHORIZED',
    request: () => ({ ...route(), claims: undefined }) as ApiRequest,
  },
  {
    name: 'a customer token',
    status: 403,
    code: 'FORBIDDEN',
    request: () => ({ ...route(), claims: CUSTOMER }),
  },
];

/** For the customer routes: anonymous is 401, an admin who is no customer is 403. */
const customerAccessCases = (route: () => ApiRequest): Case[] => [
  {
    name: 'no token',
    status: 401,
    code: 'UNAUTHORIZED',
    request: () => ({ ...route(), claims: undefined }) as ApiRequest,
  },
  {
    name: 'an admin token without the customer group',
    status: 403,
    code: 'FORBIDDEN',
    request: () => ({ ...route(), claims: ADMIN }),
  },
  {
    name: 'a token in no group',
    status: 403,
    code: 'FORBIDDEN',
    request: () => ({ ...route(), claims: { ...CUSTOMER, 'cognito:groups': [] } }),
  },
];

const pageCases = (path: string, route: (query: Record<string, string>) => ApiRequest): Case[] => [
  ...['0', '101', 'abc', '-1', '2.5', ''].map(
    (limit): Case => ({
      name: `limit=${JSON.stringify(limit)} on ${path}`,
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => route({ limit }),
      paths: ['limit'],
    }),
  ),
  ...[
    'garbage',
    Buffer.from('h1.abc').toString('base64url'),
    // A product list's cursor (`p1`) is not a stock history cursor.
    Buffer.from('p1.5').toString('base64url'),
    '%%%',
    'A'.repeat(201),
  ].map(
    (cursor): Case => ({
      name: `a cursor the API never issued (${cursor.slice(0, 40)}) on ${path}`,
      status: 400,
      code: 'VALIDATION_FAILED',
      request: () => route({ cursor }),
      paths: ['cursor'],
    }),
  ),
];

const UNKNOWN_ID = '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50';
const validProduct = { sku: 'NEW-1', name: 'New', category: 'c', price: { amount: 100, currency: 'USD' } };
const createRoute = (body: unknown) => at('/products', 'POST', { body });
const patchRoute = (body: unknown, productId = id()) =>
  at(`/products/${productId}`, 'PATCH', { body, pathParameters: { id: productId } });
const adjustRoute = (body: unknown, productId = id()) =>
  at(`/products/${productId}/stock-adjustments`, 'POST', { body, pathParameters: { id: productId } });
const uploadRoute = (body: unknown, productId = id()) =>
  at(`/products/${productId}/image-uploads`, 'POST', { body, pathParameters: { id: productId } });
const historyRoute = (query: Record<string, string> = {}, productId = id()) =>
  at(`/products/${productId}/stock-history`, 'GET', { query, pathParameters: { id: productId } });
const subscriptionRoute = (
  method: 'POST' | 'DELETE',
  productId = id(),
  claims: Record<string, unknown> = CUSTOMER,
) => at(`/products/${productId}/stock-subscriptions`, method, { pathParameters: { id: productId }, claims });
const { email: _email, ...CUSTOMER_WITHOUT_EMAIL } = CUSTOMER;

const routes: { route: string; handler: () => Handler; cases: Case[] }[] = [
  {
    route: 'POST /products',
    handler: () => h.create,
    cases: [
      ...writeBodyCases(createRoute, validProduct, {
        wrongType: ['price.amount', '100'],
        outOfRange: [
          ['price.amount', -1],
          ['price.amount', 100_000_001],
          ['price.amount', 19.99],
          ['stock', -1],
          ['lowStockThreshold', 2 ** 31],
        ],
        oversized: [
          ['name', 'n'.repeat(201)],
          ['description', 'd'.repeat(5001)],
          ['category', 'c'.repeat(65)],
          ['sku', 'S'.repeat(65)],
        ],
        badEnum: [['price.currency', 'EUR']],
      }),
      {
        name: 'a sku with spaces',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => createRoute({ ...validProduct, sku: 'A B' }),
        paths: ['sku'],
      },
      {
        name: 'a missing name',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => createRoute({ ...validProduct, name: undefined }),
        paths: ['name'],
      },
      {
        name: 'a blank name',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => createRoute({ ...validProduct, name: '   ' }),
        paths: ['name'],
      },
      {
        name: 'a duplicate sku',
        status: 409,
        code: 'CONFLICT',
        request: () => createRoute({ ...validProduct, sku: 'BASE-1' }),
      },
      ...accessCases(() => createRoute(validProduct)),
    ],
  },
  {
    route: 'PATCH /products/{id}',
    handler: () => h.update,
    cases: [
      ...writeBodyCases(
        (body) => patchRoute(body),
        { name: 'Renamed' },
        {
          wrongType: ['lowStockThreshold', 'five'],
          outOfRange: [
            ['price.amount', -5],
            ['lowStockThreshold', -1],
          ],
          oversized: [
            ['name', 'n'.repeat(201)],
            ['description', 'd'.repeat(5001)],
          ],
        },
      ),
      { name: 'an empty object', status: 400, code: 'VALIDATION_FAILED', request: () => patchRoute({}) },
      {
        name: 'a change of sku (immutable)',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => patchRoute({ sku: 'OTHER' }),
        paths: ['sku'],
      },
      {
        name: 'a change of stock (use stock adjustments)',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => patchRoute({ stock: 99 }),
        paths: ['stock'],
      },
      {
        name: 'image keys of another product',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => patchRoute({ images: ['products/other/x.png'] }),
        paths: ['images.0'],
      },
      {
        name: 'a malformed If-Match',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => ({ ...patchRoute({ name: 'x' }), headers: { 'if-match': 'v1' } }),
      },
      {
        name: 'a stale If-Match',
        status: 412,
        code: 'PRECONDITION_FAILED',
        request: () => ({ ...patchRoute({ name: 'x' }), headers: { 'if-match': '"999"' } }),
      },
      {
        name: 'an unknown product',
        status: 404,
        code: 'NOT_FOUND',
        request: () => patchRoute({ name: 'x' }, '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50'),
      },
      ...malformedIdCases((bad) => patchRoute({ name: 'x' }, bad)),
      ...accessCases(() => patchRoute({ name: 'x' })),
    ],
  },
  {
    route: 'DELETE /products/{id}',
    handler: () => h.archive,
    cases: [
      ...malformedIdCases((bad) => at(`/products/${bad}`, 'DELETE', { pathParameters: { id: bad } })),
      ...accessCases(() => at(`/products/${id()}`, 'DELETE', { pathParameters: { id: id() } })),
    ],
  },
  {
    route: 'POST /products/{id}/stock-adjustments',
    handler: () => h.adjustStock,
    cases: [
      ...writeBodyCases(
        (body) => adjustRoute(body),
        { delta: 5, reason: 'restock' },
        {
          wrongType: ['delta', '5'],
          outOfRange: [
            ['delta', 0],
            ['delta', 1.5],
            ['delta', 1_000_001],
            ['delta', -1_000_001],
          ],
          oversized: [['note', 'n'.repeat(501)]],
          badEnum: [
            ['reason', 'theft'],
            ['reason', 'order'],
          ],
        },
      ),
      {
        name: 'more removed than in stock',
        status: 409,
        code: 'INSUFFICIENT_STOCK',
        request: () => adjustRoute({ delta: -1000, reason: 'damage' }),
      },
      {
        name: 'an unknown product',
        status: 404,
        code: 'NOT_FOUND',
        request: () => adjustRoute({ delta: 1, reason: 'restock' }, '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50'),
      },
      ...malformedIdCases((bad) => adjustRoute({ delta: 1, reason: 'restock' }, bad)),
      ...accessCases(() => adjustRoute({ delta: 1, reason: 'restock' })),
    ],
  },
  {
    route: 'POST /products/{id}/image-uploads',
    handler: () => h.imageUpload,
    cases: [
      ...writeBodyCases(
        (body) => uploadRoute(body),
        { contentType: 'image/png', contentLength: 10 },
        {
          wrongType: ['contentLength', '10'],
          outOfRange: [
            ['contentLength', 0],
            ['contentLength', 5_242_881],
          ],
          oversized: [['contentType', `image/${'p'.repeat(300)}`]],
          badEnum: [['contentType', 'image/gif']],
        },
      ),
      {
        name: 'an unknown product',
        status: 404,
        code: 'NOT_FOUND',
        request: () =>
          uploadRoute({ contentType: 'image/png', contentLength: 1 }, '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50'),
      },
      ...malformedIdCases((bad) => uploadRoute({ contentType: 'image/png', contentLength: 1 }, bad)),
      ...accessCases(() => uploadRoute({ contentType: 'image/png', contentLength: 1 })),
    ],
  },
  {
    route: 'GET /products/{id}/stock-history',
    handler: () => h.stockHistory,
    cases: [
      ...pageCases('stock history', (query) => historyRoute(query)),
      {
        name: 'an unknown product',
        status: 404,
        code: 'NOT_FOUND',
        request: () => historyRoute({}, UNKNOWN_ID),
      },
      ...malformedIdCases((bad) => historyRoute({}, bad)),
      ...accessCases(() => historyRoute()),
    ],
  },
  {
    route: 'POST /products/{id}/stock-subscriptions',
    handler: () => h.subscribe,
    cases: [
      {
        name: 'an unknown product',
        status: 404,
        code: 'NOT_FOUND',
        request: () => subscriptionRoute('POST', UNKNOWN_ID),
      },
      {
        name: 'a token without an email claim',
        status: 403,
        code: 'FORBIDDEN',
        request: () => subscriptionRoute('POST', id(), CUSTOMER_WITHOUT_EMAIL),
        paths: ['email'],
      },
      {
        name: 'a token whose email claim is no address',
        status: 403,
        code: 'FORBIDDEN',
        request: () => subscriptionRoute('POST', id(), { ...CUSTOMER, email: 'not-an-address' }),
        paths: ['email'],
      },
      {
        name: 'a body over 1 MiB',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        request: () => ({ ...subscriptionRoute('POST'), body: { note: huge } }),
      },
      ...malformedIdCases((bad) => subscriptionRoute('POST', bad)),
      ...customerAccessCases(() => subscriptionRoute('POST')),
    ],
  },
  {
    route: 'DELETE /products/{id}/stock-subscriptions',
    handler: () => h.unsubscribe,
    cases: [
      {
        name: 'an unknown product',
        status: 404,
        code: 'NOT_FOUND',
        request: () => subscriptionRoute('DELETE', UNKNOWN_ID),
      },
      ...malformedIdCases((bad) => subscriptionRoute('DELETE', bad)),
      ...customerAccessCases(() => subscriptionRoute('DELETE')),
    ],
  },
  {
    route: 'GET /products/{id}',
    handler: () => h.get,
    cases: malformedIdCases((bad) => ({
      method: 'GET',
      path: `/products/${bad}`,
      pathParameters: { id: bad },
    })),
  },
  {
    route: 'GET /products',
    handler: () => h.list,
    cases: [
      ...['0', '101', 'abc', '-1', '2.5', ''].map(
        (limit): Case => ({
          name: `limit=${JSON.stringify(limit)}`,
          status: 400,
          code: 'VALIDATION_FAILED',
          request: () => ({ method: 'GET', path: '/products', query: { limit } }),
          paths: ['limit'],
        }),
      ),
      ...[
        'garbage',
        Buffer.from('p1.abc').toString('base64url'),
        Buffer.from('p2.5').toString('base64url'),
        '%%%',
      ].map(
        (cursor): Case => ({
          name: `a cursor the API never issued (${cursor})`,
          status: 400,
          code: 'VALIDATION_FAILED',
          request: () => ({ method: 'GET', path: '/products', query: { cursor } }),
          paths: ['cursor'],
        }),
      ),
      {
        name: 'an unknown status',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => ({ method: 'GET', path: '/products', query: { status: 'deleted' } }),
        paths: ['status'],
      },
      {
        name: 'an oversized category',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => ({ method: 'GET', path: '/products', query: { category: 'c'.repeat(65) } }),
        paths: ['category'],
      },
      {
        name: 'status=archived without admin',
        status: 403,
        code: 'FORBIDDEN',
        request: () => ({ method: 'GET', path: '/products', query: { status: 'archived' } }),
      },
    ],
  },
];

describe.each(routes)('$route', ({ handler, cases }) => {
  it.each(cases)(
    'answers $status $code to $name and changes nothing',
    async ({ request, status, code, paths }) => {
      const before = await snapshot(harness.db);
      const res = await invoke<{ error: { code: string; message: string; details?: { path: string }[] } }>(
        handler(),
        request(),
      );
      expect(res.statusCode).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.rawBody).not.toMatch(/at \w+ \(|node_modules|select |insert |update /i);
      if (paths) expect(res.body.error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(paths));
      expect(await snapshot(harness.db)).toEqual(before);
    },
  );
});
