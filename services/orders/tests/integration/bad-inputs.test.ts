// Every orders route against every class of bad input in api.md: the documented 4xx, a clear
// error body, and not a single row changed (products, orders, order lines, outbox).
import type { Order } from '@shop/domain';
import { type ApiRequest, claimsOf, invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  address,
  CUSTOMER,
  createHarness,
  insertProduct,
  OTHER_CUSTOMER,
  resetOrders,
  snapshot,
} from '../support/harness';

const harness = createHarness();
const h = harness.handlers;
let productId: string;
let archivedId: string;
let scarceId: string;
let order: Order;
let shipped: Order;

const UNKNOWN = '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50';
/** Signed in, but neither a customer nor an admin. */
const NOBODY = claimsOf('00000000-0000-4000-8000-00000000d001', []);

beforeAll(async () => {
  await resetOrders(harness.db);
  productId = await insertProduct(harness.db, { stock: 50 });
  archivedId = await insertProduct(harness.db, { status: 'archived' });
  scarceId = await insertProduct(harness.db, { stock: 1 });
  const placed = async () =>
    (
      await invoke<Order>(h.place, {
        method: 'POST',
        path: '/orders',
        body: { items: [{ productId, quantity: 1 }], shippingAddress: address },
        claims: CUSTOMER,
      })
    ).body;
  order = await placed();
  shipped = await placed();
  await invoke(h.updateStatus, {
    method: 'POST',
    path: `/orders/${shipped.id}/status`,
    pathParameters: { id: shipped.id },
    body: { status: 'shipped' },
    claims: ADMIN,
  });
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

const validBody = () => ({ items: [{ productId, quantity: 1 }], shippingAddress: address });
const placeRoute = (body: unknown, claims: Record<string, unknown> = CUSTOMER): ApiRequest => ({
  method: 'POST',
  path: '/orders',
  body,
  claims,
});
const withAddress = (changes: Record<string, unknown>) => ({
  ...validBody(),
  shippingAddress: { ...address, ...changes },
});
const badBody = (name: string, body: () => unknown, paths?: string[]): Case => ({
  name,
  status: 400,
  code: 'VALIDATION_FAILED',
  request: () => placeRoute(body()),
  ...(paths ? { paths } : {}),
});

const malformedIdCases = (route: (id: string) => ApiRequest): Case[] =>
  ['not-a-uuid', "1' OR '1'='1", '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f5', '../../etc/passwd'].map((bad) => ({
    name: `the malformed id ${JSON.stringify(bad)}`,
    status: 400,
    code: 'VALIDATION_FAILED',
    request: () => route(bad),
    paths: ['id'],
  }));

const signedInCases = (route: () => ApiRequest): Case[] => [
  {
    name: 'no token',
    status: 401,
    code: 'UNAUTHORIZED',
    request: () => ({ ...route(), claims: undefined }) as ApiRequest,
  },
  {
    name: 'a token without the customer or admin group',
    status: 403,
    code: 'FORBIDDEN',
    request: () => ({ ...route(), claims: NOBODY }),
  },
];

const orderRoute =
  (verb: string, suffix: string, extra: Partial<ApiRequest> = {}) =>
  (id: string) => ({
    method: verb,
    path: `/orders/${id}${suffix}`,
    pathParameters: { id },
    claims: CUSTOMER,
    ...extra,
  });
const cancelRoute = orderRoute('POST', '/cancel');
const getRoute = orderRoute('GET', '');
const statusRoute = (body: unknown, id = order.id): ApiRequest => ({
  method: 'POST',
  path: `/orders/${id}/status`,
  pathParameters: { id },
  body,
  claims: ADMIN,
});

const listCase = (name: string, query: Record<string, string>, paths?: string[], status = 400): Case => ({
  name,
  status,
  code: status === 400 ? 'VALIDATION_FAILED' : 'FORBIDDEN',
  request: () => ({ method: 'GET', path: '/orders', query, claims: CUSTOMER }),
  ...(paths ? { paths } : {}),
});

const routes: { route: string; handler: () => Handler; cases: Case[] }[] = [
  {
    route: 'POST /orders',
    handler: () => h.place,
    cases: [
      badBody('malformed JSON', () => '{"items": [', undefined),
      badBody('a JSON array instead of an object', () => '[1,2]'),
      badBody('JSON null', () => 'null'),
      badBody('an empty body', () => ''),
      badBody('an unknown field', () => ({ ...validBody(), couponCode: 'FREE' }), ['couponCode']),
      badBody(
        'a client-chosen price',
        () => ({
          ...validBody(),
          items: [{ productId, quantity: 1, unitPrice: { amount: 1, currency: 'USD' } }],
        }),
        ['items.0.unitPrice'],
      ),
      badBody('no items', () => ({ ...validBody(), items: [] }), ['items']),
      badBody('items that are not a list', () => ({ ...validBody(), items: { productId } }), ['items']),
      badBody(
        '51 lines',
        () => ({
          ...validBody(),
          items: Array.from({ length: 51 }, (_, i) => ({
            productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            quantity: 1,
          })),
        }),
        ['items'],
      ),
      badBody(
        'the same product twice',
        () => ({
          ...validBody(),
          items: [
            { productId, quantity: 1 },
            { productId: scarceId, quantity: 1 },
            { productId, quantity: 2 },
          ],
        }),
        ['items.2.productId'],
      ),
      ...[0, 101, -1, 1.5, '1', null].map((quantity) =>
        badBody(
          `the quantity ${JSON.stringify(quantity)}`,
          () => ({ ...validBody(), items: [{ productId, quantity }] }),
          ['items.0.quantity'],
        ),
      ),
      badBody(
        'a malformed productId',
        () => ({ ...validBody(), items: [{ productId: 'abc', quantity: 1 }] }),
        ['items.0.productId'],
      ),
      badBody('a missing quantity', () => ({ ...validBody(), items: [{ productId }] }), ['items.0.quantity']),
      badBody('no shipping address', () => ({ items: validBody().items }), ['shippingAddress']),
      badBody('a shipping address that is a string', () => ({ ...validBody(), shippingAddress: 'home' }), [
        'shippingAddress',
      ]),
      badBody('an unknown address field', () => withAddress({ phone: '555' }), ['shippingAddress.phone']),
      badBody('a blank name', () => withAddress({ name: '  ' }), ['shippingAddress.name']),
      badBody('a missing city', () => withAddress({ city: undefined }), ['shippingAddress.city']),
      badBody('an oversized line1', () => withAddress({ line1: 'l'.repeat(201) }), ['shippingAddress.line1']),
      badBody('an oversized postal code', () => withAddress({ postalCode: '1'.repeat(21) }), [
        'shippingAddress.postalCode',
      ]),
      ...['us', 'USA', 'U1', ''].map((country) =>
        badBody(`the country ${JSON.stringify(country)}`, () => withAddress({ country }), [
          'shippingAddress.country',
        ]),
      ),
      badBody('a numeric region', () => withAddress({ region: 7 }), ['shippingAddress.region']),
      {
        name: 'an unknown product',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => placeRoute({ ...validBody(), items: [{ productId: UNKNOWN, quantity: 1 }] }),
        paths: ['items.0.productId'],
      },
      {
        name: 'an archived product next to a good one',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () =>
          placeRoute({
            ...validBody(),
            items: [
              { productId, quantity: 1 },
              { productId: archivedId, quantity: 1 },
            ],
          }),
        paths: ['items.1.productId'],
      },
      {
        name: 'more than is in stock (all or nothing)',
        status: 409,
        code: 'INSUFFICIENT_STOCK',
        request: () =>
          placeRoute({
            ...validBody(),
            items: [
              { productId, quantity: 1 },
              { productId: scarceId, quantity: 2 },
            ],
          }),
      },
      {
        name: 'a body over 1 MiB',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        request: () => placeRoute(withAddress({ line2: huge })),
      },
      {
        name: 'no token',
        status: 401,
        code: 'UNAUTHORIZED',
        request: () => ({ ...placeRoute(validBody()), claims: undefined }) as ApiRequest,
      },
      {
        name: 'an admin token (admins are not customers)',
        status: 403,
        code: 'FORBIDDEN',
        request: () => placeRoute(validBody(), ADMIN),
      },
    ],
  },
  {
    route: 'GET /orders',
    handler: () => h.list,
    cases: [
      ...['0', '101', 'abc', '-1', '2.5', ''].map((limit) =>
        listCase(`limit=${JSON.stringify(limit)}`, { limit }, ['limit']),
      ),
      ...[
        'garbage',
        Buffer.from('o1.abc').toString('base64url'),
        Buffer.from('p1.5').toString('base64url'),
        '%%%',
      ].map((cursor) => listCase(`a cursor the API never issued (${cursor})`, { cursor }, ['cursor'])),
      listCase('an unknown status', { status: 'lost' }, ['status']),
      listCase('a malformed customerId', { customerId: 'me' }, ['customerId']),
      listCase("another customer's id from a customer", { customerId: OTHER_CUSTOMER.sub }, undefined, 403),
      ...signedInCases(() => ({ method: 'GET', path: '/orders', claims: CUSTOMER })),
    ],
  },
  {
    route: 'GET /orders/{id}',
    handler: () => h.get,
    cases: [
      ...malformedIdCases(getRoute),
      {
        name: "another customer's order",
        status: 404,
        code: 'NOT_FOUND',
        request: () => ({ ...getRoute(order.id), claims: OTHER_CUSTOMER }),
      },
      { name: 'an unknown order', status: 404, code: 'NOT_FOUND', request: () => getRoute(UNKNOWN) },
      ...signedInCases(() => getRoute(order.id)),
    ],
  },
  {
    route: 'POST /orders/{id}/cancel',
    handler: () => h.cancel,
    cases: [
      ...malformedIdCases(cancelRoute),
      {
        name: "another customer's order",
        status: 404,
        code: 'NOT_FOUND',
        request: () => ({ ...cancelRoute(order.id), claims: OTHER_CUSTOMER }),
      },
      { name: 'an unknown order', status: 404, code: 'NOT_FOUND', request: () => cancelRoute(UNKNOWN) },
      {
        name: 'a shipped order',
        status: 409,
        code: 'INVALID_STATE',
        request: () => cancelRoute(shipped.id),
      },
      ...signedInCases(() => cancelRoute(order.id)),
    ],
  },
  {
    route: 'POST /orders/{id}/status',
    handler: () => h.updateStatus,
    cases: [
      ...[
        ['malformed JSON', '{"status": '],
        ['JSON null', 'null'],
        ['an empty body', ''],
      ].map(([name, body]) => ({
        name: name!,
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => statusRoute(body),
      })),
      ...['placed', 'cancelled', 'SHIPPED', 'lost', 3].map((status) => ({
        name: `the status ${JSON.stringify(status)}`,
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => statusRoute({ status }),
        paths: ['status'],
      })),
      {
        name: 'an unknown field',
        status: 400,
        code: 'VALIDATION_FAILED',
        request: () => statusRoute({ status: 'shipped', note: 'x' }),
        paths: ['note'],
      },
      {
        name: 'an illegal transition (placed -> delivered)',
        status: 409,
        code: 'INVALID_STATE',
        request: () => statusRoute({ status: 'delivered' }),
      },
      {
        name: 'an illegal transition (shipped -> shipped)',
        status: 409,
        code: 'INVALID_STATE',
        request: () => statusRoute({ status: 'shipped' }, shipped.id),
      },
      {
        name: 'an unknown order',
        status: 404,
        code: 'NOT_FOUND',
        request: () => statusRoute({ status: 'shipped' }, UNKNOWN),
      },
      ...malformedIdCases((bad) => statusRoute({ status: 'shipped' }, bad)),
      {
        name: 'a body over 1 MiB',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        request: () => statusRoute({ status: 'shipped', note: huge }),
      },
      {
        name: 'no token',
        status: 401,
        code: 'UNAUTHORIZED',
        request: () => ({ ...statusRoute({ status: 'shipped' }), claims: undefined }) as ApiRequest,
      },
      {
        name: 'a customer token (even the owner)',
        status: 403,
        code: 'FORBIDDEN',
        request: () => ({ ...statusRoute({ status: 'shipped' }), claims: CUSTOMER }),
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
      expect(res.statusCode, res.rawBody.slice(0, 500)).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.rawBody).not.toMatch(/at \w+ \(|node_modules|select |insert |update |place_order/i);
      if (paths) expect(res.body.error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(paths));
      expect(await snapshot(harness.db)).toEqual(before);
    },
  );
});
