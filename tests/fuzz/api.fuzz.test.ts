// Property-based fuzzing of every route of api.md through the real handlers, over real PostgreSQL,
// Redis, s3rver and dynalite. Invariants for every generated request:
//   1. never a 5xx;
//   2. every 4xx carries the contract's error body, with a code that belongs to its status;
//   3. a refused write (any 4xx on a route that changes state) leaves every table as it was.
// CI runs FUZZ_RUNS (default 100) cases per route with a fresh seed each run; `pnpm fuzz` runs ten
// times as many. A failure prints the seed and path: FUZZ_SEED=<seed> FUZZ_PATH=<path> replays it.
import { randomUUID } from 'node:crypto';
import { ERROR_CODES_BY_STATUS } from '@shop/contracts';
import { createDb, type Database } from '@shop/db';
import { apiGatewayEvent, claimsOf, invoke, lambdaContext } from '@shop/lambda-kit/testing';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { asServiceUser } from '../../scripts/test/database-user';
import { useIdempotencyTable } from '../../scripts/test/dynalite.fixture';
import { createCustomerService } from '../../services/auth-hooks/src/customer.service';
import { getMeHandler } from '../../services/auth-hooks/src/handlers/get-me';
import { memoryGroups } from '../../services/auth-hooks/tests/support/harness';
import { createHarness as createCatalogHarness } from '../../services/catalog/tests/support/harness';
import { createHarness as createOrdersHarness } from '../../services/orders/tests/support/harness';
import {
  anyJson,
  cursorLike,
  edgeNumber,
  idLike,
  nastyString,
  numberText,
  rawBody,
} from './inputs.arbitraries';
import { pathOf, type Role, type Route, routesFor, type World } from './routes';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;

const CALLERS: Record<Role, Record<string, unknown> | undefined> = {
  anonymous: undefined,
  customer: claimsOf('00000000-0000-4000-8000-00000000f001', ['customer']),
  otherCustomer: claimsOf('00000000-0000-4000-8000-00000000f002', ['customer']),
  admin: claimsOf('00000000-0000-4000-8000-00000000fa01', ['admin', 'customer']),
};

useIdempotencyTable('shop-fuzz-idempotency');
const catalog = createCatalogHarness();
const orders = createOrdersHarness();
const meDb = createDb({ url: asServiceUser(inject('databaseUrl'), 'auth_hooks') }, { max: 2 });
const getMe = getMeHandler(() => createCustomerService({ db: meDb, groups: memoryGroups() }));
const routes = routesFor(catalog.handlers, orders.handlers, getMe);
const world: World = { products: [], orders: [], cursors: [] };
let tables: string[] = [];

/** One digest per table of every row, in one round trip: "nothing changed" means equal digests. */
const fingerprint = async (db: Kysely<Database>): Promise<Record<string, string>> => {
  const digests = tables.map(
    (table) =>
      sql`(select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from ${sql.table(table)} t) as ${sql.ref(table)}`,
  );
  const { rows } = await sql<Record<string, string>>`select ${sql.join(digests)}`.execute(db);
  return rows[0] ?? {};
};

beforeAll(async () => {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
     order by 1`.execute(catalog.db);
  tables = rows.map((row) => row.name);
  await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))}`.execute(catalog.db);
  await catalog.redis.flushdb();
  // A small world to aim at: active products with stock, one archived, orders of both customers,
  // and a cursor of every list.
  for (const stock of [1_000, 3, 0]) {
    const res = await invoke<{ id: string }>(catalog.handlers.create, {
      method: 'POST',
      path: '/products',
      claims: CALLERS.admin,
      body: {
        sku: `FUZZ-SEED-${process.pid}-${stock}`,
        name: `Seed ${stock}`,
        category: 'fuzz',
        price: { amount: 1000, currency: 'USD' },
        stock,
      },
    });
    expect(res.statusCode).toBe(201);
    world.products.push(res.body.id);
  }
  const archived = world.products[2]!;
  expect(
    (await invoke(catalog.handlers.archive, at('DELETE', `/products/${archived}`, archived))).statusCode,
  ).toBe(204);
  for (const caller of ['customer', 'otherCustomer'] as const) {
    const res = await invoke<{ id: string }>(orders.handlers.place, {
      method: 'POST',
      path: '/orders',
      claims: CALLERS[caller],
      body: {
        items: [{ productId: world.products[0], quantity: 1 }],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
      },
    });
    expect(res.statusCode).toBe(201);
    world.orders.push(res.body.id);
  }
  const productPage = await invoke<{ nextCursor: string }>(catalog.handlers.list, {
    method: 'GET',
    path: '/products',
    query: { limit: '1' },
  });
  const orderPage = await invoke<{ nextCursor: string | null }>(orders.handlers.list, {
    method: 'GET',
    path: '/orders',
    query: { limit: '1' },
    claims: CALLERS.admin,
  });
  world.cursors.push(
    productPage.body.nextCursor,
    ...(orderPage.body.nextCursor ? [orderPage.body.nextCursor] : []),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([catalog.close(), orders.close(), meDb.destroy()]);
});

function at(method: string, path: string, id: string) {
  return { method, path, pathParameters: { id }, claims: CALLERS.admin };
}

/** What one fuzzed request is made of; every part is optional so shrinking finds the culprit. */
interface Fuzzed {
  readonly role: Role;
  readonly id: string | undefined;
  readonly query: Record<string, string> | undefined;
  readonly body:
    | { readonly kind: 'none' }
    | { readonly kind: 'json'; value: unknown }
    | { kind: 'raw'; text: string };
  readonly headers: Record<string, string>;
  /** Send the first header twice (API Gateway: `headers` keeps the last, `multiValueHeaders` both). */
  readonly repeatHeader: boolean;
}

/** Every leaf path of a JSON value (`['items', 0, 'quantity']`), the value itself at `[]`. */
const leafPaths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leafPaths(v, [...prefix, i]))];
  if (value && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  }
  return [prefix];
};

const setAt = (value: unknown, path: (string | number)[], replacement: unknown): unknown => {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head as string] = setAt(copy[head as string], rest, replacement);
  return copy;
};

const removeAt = (value: unknown, path: (string | number)[]): unknown => {
  if (path.length === 0) return undefined;
  if (path.length === 1) {
    if (Array.isArray(value)) return value.filter((_, i) => i !== path[0]);
    const { [path[0] as string]: _removed, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  const [head, ...rest] = path;
  return setAt(value, [head as string], removeAt((value as Record<string, unknown>)[head as string], rest));
};

const replacement = fc.oneof(nastyString, edgeNumber, anyJson, numberText);

const bodyArb = (route: Route): fc.Arbitrary<Fuzzed['body']> => {
  const raw = rawBody.map((text) => ({ kind: 'raw' as const, text }));
  if (!route.validBody) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
      { weight: 1, arbitrary: raw },
    );
  }
  const valid = fc.constant(null).map(() => route.validBody!(world));
  const json = (arb: fc.Arbitrary<unknown>) => arb.map((value) => ({ kind: 'json' as const, value }));
  return fc.oneof(
    { weight: 1, arbitrary: json(valid) },
    {
      weight: 6,
      arbitrary: json(
        fc.tuple(valid, fc.nat(), replacement).map(([body, n, value]) => {
          const paths = leafPaths(body);
          return setAt(body, paths[n % paths.length]!, value);
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: json(
        fc.tuple(valid, fc.nat()).map(([body, n]) => {
          const paths = leafPaths(body).filter((p) => p.length > 0);
          return removeAt(body, paths[n % paths.length]!);
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: json(
        fc.tuple(valid, nastyString, anyJson).map(([body, key, value]) => ({ ...body, [key]: value })),
      ),
    },
    // Baskets of every size, repeated products and edge quantities: the orders body's own hazards.
    {
      weight: route.template === '/orders' ? 2 : 0,
      arbitrary: json(
        fc
          .tuple(
            valid,
            fc.array(
              fc.record({
                productId: idLike(() => world.products),
                quantity: fc.oneof(fc.integer({ min: 1, max: 100 }), edgeNumber),
              }),
              { maxLength: 60 },
            ),
          )
          .map(([body, items]) => ({ ...body, items })),
      ),
    },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: json(anyJson) },
  );
};

const queryArb = (route: Route): fc.Arbitrary<Record<string, string> | undefined> => {
  if (!route.query) {
    return fc.option(fc.dictionary(nastyString, nastyString, { maxKeys: 2 }), { nil: undefined });
  }
  const value = fc.oneof(
    nastyString,
    numberText,
    cursorLike(() => world.cursors),
    idLike(() => world.products),
  );
  const known = fc.constantFrom(...route.query);
  return fc.option(
    fc.dictionary(fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: nastyString }), value, {
      maxKeys: 4,
    }),
    { nil: undefined, freq: 5 },
  );
};

const headersArb = (route: Route): fc.Arbitrary<Record<string, string>> => {
  const names = [...(route.headers ?? []), 'content-type', 'x-request-id', 'x-correlation-id'];
  const headerValue = fc.oneof(
    nastyString,
    numberText.map((n) => `"${n}"`),
    fc.constantFrom('"1"', 'W/"1"', '*', 'application/json', 'text/plain', `key-${randomUUID()}`),
  );
  return fc.dictionary(fc.constantFrom(...names), headerValue, { maxKeys: 3 });
};

const fuzzedArb = (route: Route): fc.Arbitrary<Fuzzed> =>
  fc.record({
    role: fc.oneof(
      { weight: 4, arbitrary: fc.constant(route.caller) },
      { weight: 1, arbitrary: fc.constantFrom<Role>('anonymous', 'customer', 'otherCustomer', 'admin') },
    ),
    id: route.id
      ? idLike(() => (route.id === 'order' ? world.orders : world.products))
      : fc.constant(undefined),
    query: queryArb(route),
    body: bodyArb(route),
    headers: headersArb(route),
    repeatHeader: fc.boolean(),
  });

/** Sends one fuzzed request through the route's real handler; answers its status, headers and body text. */
const send = async (route: Route, fuzzed: Fuzzed) => {
  const body =
    fuzzed.body.kind === 'none'
      ? undefined
      : fuzzed.body.kind === 'raw'
        ? fuzzed.body.text
        : fuzzed.body.value;
  const event = apiGatewayEvent({
    method: route.method,
    ...pathOf(route, fuzzed.id),
    ...(fuzzed.query === undefined ? {} : { query: fuzzed.query }),
    headers: fuzzed.headers,
    // A JSON value is encoded here, so `undefined` (a removed root) becomes an empty body.
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' && fuzzed.body.kind === 'json' ? JSON.stringify(body) : body }),
    claims: CALLERS[fuzzed.role],
  });
  const [firstHeader] = Object.keys(fuzzed.headers);
  if (fuzzed.repeatHeader && firstHeader !== undefined) {
    event.multiValueHeaders[firstHeader] = ['first value', fuzzed.headers[firstHeader]!];
  }
  const result = await route.handler(event, lambdaContext());
  return { status: result.statusCode, headers: result.headers ?? {}, text: result.body ?? '' };
};

/** The world grows as writes succeed: later requests aim at what earlier ones created. */
const learn = (route: Route, status: number, text: string) => {
  if (status !== 201 || text === '') return;
  const created = JSON.parse(text) as { id?: string };
  if (typeof created.id !== 'string') return;
  if (route.template === '/products') world.products.push(created.id);
  if (route.template === '/orders') world.orders.push(created.id);
};

const describeRequest = (route: Route, fuzzed: Fuzzed) =>
  JSON.stringify({ route: route.name, ...fuzzed }, (_k, v) =>
    typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}... (${v.length} chars)` : v,
  );

describe(`every route survives fuzzed input (seed ${SEED}, ${RUNS} runs per route)`, () => {
  for (const route of routes) {
    it(`${route.name}: no 5xx, contract error bodies, nothing changed by a refused write`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzedArb(route), async (fuzzed) => {
          const before = route.write ? await fingerprint(catalog.db) : undefined;
          const res = await send(route, fuzzed);
          const where = describeRequest(route, fuzzed);
          expect(res.status, `5xx for ${where}: ${res.text}`).toBeLessThan(500);
          expect(res.headers['x-request-id'], `no x-request-id for ${where}`).toBeTruthy();
          if (res.status >= 400) {
            const body = JSON.parse(res.text) as { error?: Record<string, unknown> };
            expect(Object.keys(body), where).toEqual(['error']);
            const { code, message, details, ...extra } = body.error ?? {};
            expect(
              (ERROR_CODES_BY_STATUS as Record<number, readonly string[]>)[res.status],
              `status ${res.status} is not in the contract: ${where}`,
            ).toBeDefined();
            expect((ERROR_CODES_BY_STATUS as Record<number, readonly string[]>)[res.status], where).toContain(
              code,
            );
            expect(typeof message === 'string' && message.length > 0, where).toBe(true);
            expect(extra, where).toEqual({});
            if (details !== undefined) {
              expect(Array.isArray(details), where).toBe(true);
            }
            if (before) {
              expect(await fingerprint(catalog.db), `a refused write changed the database: ${where}`).toEqual(
                before,
              );
            }
          }
          learn(route, res.status, res.text);
        }),
        { numRuns: RUNS, seed: SEED, ...(PATH === undefined ? {} : { path: PATH }), endOnFailure: true },
      );
    });
  }
});
