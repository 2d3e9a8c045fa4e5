// The OpenAPI 3.1 document of the API, generated from the route table and the zod schemas the
// handlers validate with, so it cannot drift from the code. zod 4's own JSON Schema output
// (draft 2020-12, which OpenAPI 3.1 uses as is) does the schemas: no second schema library, no
// annotations to keep in step. Not for function bundles: import `@shop/contracts/openapi`.
import { type $ZodType, registry, toJSONSchema } from 'zod/v4/core';
import {
  ERROR_CODES_BY_STATUS,
  type ErrorStatus,
  errorBody,
  health,
  imageUpload,
  me,
  money,
  order,
  product,
  stockHistoryEntry,
  stockLevel,
  stockSubscription,
} from './responses';
import { errorStatusesOf, type ResponseHeader, ROUTES, type RouteContract } from './routes';

type JsonObject = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid input (`details[].path` names each field); nothing changed',
  401: 'Missing (on a protected route), invalid or expired ID token',
  403: 'Signed in, without the role the route needs',
  404: 'Not found (or not yours)',
  409: 'Conflict: duplicate, insufficient stock, invalid state, or the same Idempotency-Key still running',
  412: 'If-Match names another version',
  413: 'Body over 1 MiB',
  422: 'Idempotency-Key reused with another body',
  429: 'Past a per-customer limit; nothing changed',
  500: 'Internal error (reveals nothing)',
  503: 'A backing service is unavailable; retry after Retry-After',
};

const HEADER_DOCS: Record<ResponseHeader, JsonObject> = {
  ETag: { description: 'The product version as an entity tag, e.g. `"3"`', schema: { type: 'string' } },
  Location: { description: 'Where the created resource is', schema: { type: 'string' } },
  'Idempotent-Replayed': {
    description: '`true` when the response is a replay of an earlier request with the same key',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 0 },
  },
};

/** Named response schemas: components a reader of the reference page recognises. */
const NAMED: ReadonlyArray<[string, $ZodType]> = [
  ['Money', money],
  ['Product', product],
  ['Order', order],
  ['StockLevel', stockLevel],
  ['ImageUpload', imageUpload],
  ['StockSubscription', stockSubscription],
  ['StockHistoryEntry', stockHistoryEntry],
  ['Me', me],
  ['Health', health],
];

const capitalised = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const errorId = (status: ErrorStatus) => `Error${status}`;

/** One registry per direction: request schemas as clients send them, responses as the API answers. */
const components = (): JsonObject => {
  const requests = registry<{ id: string }>();
  const responses = registry<{ id: string }>();
  for (const [id, schema] of NAMED) responses.add(schema, { id });
  for (const status of Object.keys(ERROR_CODES_BY_STATUS).map(Number) as ErrorStatus[]) {
    responses.add(errorBody(status), { id: errorId(status) });
  }
  for (const route of ROUTES) {
    if (route.body) requests.add(route.body, { id: `${capitalised(route.operationId)}Request` });
    for (const [status, response] of Object.entries(route.success)) {
      if (response.body && !responses.has(response.body)) {
        responses.add(response.body, { id: `${capitalised(route.operationId)}Response${status}` });
      }
    }
  }
  const uri = (id: string) => `#/components/schemas/${id}`;
  const generate = (reg: typeof requests, io: 'input' | 'output') =>
    (
      toJSONSchema(reg, { target: 'draft-2020-12', io, uri, unrepresentable: 'any' }) as {
        schemas: JsonObject;
      }
    ).schemas;
  const all = { ...generate(requests, 'input'), ...generate(responses, 'output') };
  // Components are embedded in the document: their own $schema and $id would only mislead tools.
  return Object.fromEntries(
    Object.entries(all).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
};

/** Query and path parameters, one per property of their (flat) object schema. */
const parameters = (schema: $ZodType | undefined, where: 'query' | 'path'): JsonObject[] => {
  if (!schema) return [];
  const json = toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
};

const headerParameters = (route: RouteContract): JsonObject[] => [
  ...(route.idempotent
    ? [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Same key, same body, same caller: the first response again (`Idempotent-Replayed: true`), nothing created twice. Kept at least 24 hours.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
        },
      ]
    : []),
  ...(route.ifMatch
    ? [
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'The version the caller saw, as its ETag (`"3"`); `*` for any',
          schema: { type: 'string' },
        },
      ]
    : []),
];

const EXAMPLE_PRODUCT_ID = '6f1c2a52-8d3e-4b8a-9f0e-2d4c6b8a1e37';

/** A valid body per writing route, shown on the reference page (and checked by the contract tests). */
export const REQUEST_EXAMPLES: Readonly<Record<string, unknown>> = {
  createProduct: {
    sku: 'MUG-BLUE-350',
    name: 'Blue mug, 350 ml',
    description: 'Stoneware.\nDishwasher safe.',
    category: 'kitchen',
    price: { amount: 1299, currency: 'USD' },
    stock: 40,
    lowStockThreshold: 5,
  },
  updateProduct: { price: { amount: 1199, currency: 'USD' }, lowStockThreshold: 8 },
  adjustStock: { delta: 24, reason: 'restock', note: 'Delivery 2026-12-01' },
  createImageUpload: { contentType: 'image/webp', contentLength: 183_204 },
  placeOrder: {
    items: [{ productId: EXAMPLE_PRODUCT_ID, quantity: 2 }],
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '12 Analytical Street',
      city: 'London',
      postalCode: 'N1 9GU',
      country: 'GB',
    },
  },
  updateOrderStatus: { status: 'shipped' },
};

const operation = (route: RouteContract, idOf: Map<$ZodType, string>): JsonObject => {
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(route.success)) {
    const idempotentHeaders: ResponseHeader[] =
      route.idempotent && Number(status) !== 204 ? ['Idempotent-Replayed'] : [];
    const headers = [...(response.headers ?? []), ...idempotentHeaders];
    responses[status] = {
      description: response.description,
      headers: {
        'x-request-id': { description: 'The request id, also in the logs', schema: { type: 'string' } },
        ...Object.fromEntries(headers.map((h) => [h, HEADER_DOCS[h]])),
      },
      ...(response.body
        ? { content: { 'application/json': { schema: ref(idOf.get(response.body)!) } } }
        : {}),
    };
  }
  for (const status of errorStatusesOf(route)) {
    const retry = status === 503 || status === 429 || status === 409;
    responses[String(status)] = {
      description: `${ERROR_DESCRIPTIONS[status]}. Codes: ${ERROR_CODES_BY_STATUS[status].join(', ')}`,
      headers: {
        'x-request-id': { description: 'The request id, also in the logs', schema: { type: 'string' } },
        ...(retry ? { 'Retry-After': HEADER_DOCS['Retry-After'] } : {}),
      },
      content: { 'application/json': { schema: ref(errorId(status)) } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(route.access === 'public' ? {} : { description: `Who: ${ACCESS_TEXT[route.access]}.` }),
    parameters: [
      ...parameters(route.pathParams, 'path'),
      ...parameters(route.query, 'query'),
      ...headerParameters(route),
    ],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref(`${capitalised(route.operationId)}Request`),
                ...(REQUEST_EXAMPLES[route.operationId]
                  ? { example: REQUEST_EXAMPLES[route.operationId] }
                  : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
};

const ACCESS_TEXT: Record<RouteContract['access'], string> = {
  public: 'anyone',
  signedIn: 'anyone signed in',
  customer: 'customers (`cognito:groups` has `customer`)',
  admin: 'admins (`cognito:groups` has `admin`)',
  customerOrAdmin: 'customers (their own orders) and admins (all)',
};

/** The whole document. `serverUrl` is where the API is served (locally `http://localhost:3000`). */
export const buildOpenApiDocument = (serverUrl = 'http://localhost:3000'): JsonObject => {
  const schemas = components();
  const idOf = new Map<$ZodType, string>();
  for (const [id, schema] of NAMED) idOf.set(schema, id);
  for (const route of ROUTES) {
    for (const [status, response] of Object.entries(route.success)) {
      if (response.body && !idOf.has(response.body)) {
        idOf.set(response.body, `${capitalised(route.operationId)}Response${status}`);
      }
    }
  }
  const paths: Record<string, JsonObject> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route, idOf) };
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'shop API',
      version: '1.0.0',
      description:
        'Products, stock, orders and customers of the open-source AWS shop. Generated from the schemas the handlers validate with (packages/contracts). Money is in minor units; ids are UUIDs; lists page with `limit` and an opaque `cursor`.',
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'Catalog', description: 'Products, stock, images, back-in-stock subscriptions' },
      { name: 'Orders', description: 'Placing, reading, cancelling and fulfilling orders' },
      { name: 'Customers', description: 'The signed-in caller, and liveness' },
    ],
    security: [{ cognitoIdToken: [] }],
    paths,
    components: {
      securitySchemes: {
        cognitoIdToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito ID token (not the access token). Roles come from its `cognito:groups` claim: `admin`, `customer`.',
        },
      },
      schemas,
    },
  };
};
