// Builds the real orders service (real PostgreSQL from the integration global setup) with every
// HTTP handler wired to it, plus helpers to seed products, inspect and reset the database.
import { randomUUID } from 'node:crypto';
import { createDb, type Database } from '@shop/db';
import { claimsOf } from '@shop/lambda-kit/testing';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { asServiceUser } from '../../../../scripts/test/database-user';
import { insertProductRow, type ProductRowOverrides } from '../../../../scripts/test/product.fixture';
import { cancelOrderHandler } from '../../src/handlers/cancel-order';
import { getOrderHandler } from '../../src/handlers/get-order';
import { listOrdersHandler } from '../../src/handlers/list-orders';
import { placeOrderHandler } from '../../src/handlers/place-order';
import { updateOrderStatusHandler } from '../../src/handlers/update-order-status';
import { createOrdersService, type OrdersDependencies, type OrdersService } from '../../src/orders.service';

export const ADMIN = claimsOf('00000000-0000-4000-8000-00000000a001', ['admin']);
export const CUSTOMER = claimsOf('00000000-0000-4000-8000-00000000c001', ['customer']);
export const OTHER_CUSTOMER = claimsOf('00000000-0000-4000-8000-00000000c002', ['customer']);

/** Limits no test meets by accident (the limits have tests of their own). */
export const NO_PRACTICAL_LIMITS: OrdersDependencies['limits'] = Object.freeze({
  maxWritesPerWindow: 1_000_000,
  windowSeconds: 60,
  maxOpenOrders: 1_000_000,
});

export const handlersFor = (service: OrdersService) => {
  const get = () => service;
  return {
    place: placeOrderHandler(get),
    list: listOrdersHandler(get),
    get: getOrderHandler(get),
    cancel: cancelOrderHandler(get),
    updateStatus: updateOrderStatusHandler(get),
  };
};

export interface Harness {
  readonly service: OrdersService;
  /** The service's own pool (the writer): `poolSize` connections. */
  readonly db: Kysely<Database>;
  readonly handlers: ReturnType<typeof handlersFor>;
  /** Queries the service's pool has run so far. */
  queries(): number;
  close(): Promise<void>;
}

export const createHarness = (
  options: {
    poolSize?: number;
    /** The service's after-commit hook (production kicks the outbox relay); none by default. */
    eventsCommitted?: () => Promise<void>;
    /** The service's after-commit cache invalidation (production: the catalog's Redis); none by default. */
    productsChanged?: OrdersDependencies['productsChanged'];
    /** Per-customer limits; by default so high that only the tests of the limits meet them. */
    limits?: OrdersDependencies['limits'];
  } = {},
): Harness => {
  let queryCount = 0;
  // `db` is the admin connection (fixtures, resets, assertions); the service runs as the orders user.
  const db = createDb({ url: inject('databaseUrl') }, { max: 2 });
  const serviceDb = createDb(
    { url: asServiceUser(inject('databaseUrl'), 'orders') },
    {
      max: options.poolSize ?? 4,
      log: (event) => {
        if (event.level === 'query' || event.level === 'error') queryCount += 1;
      },
    },
  );
  const service = createOrdersService({
    db: serviceDb,
    newId: randomUUID,
    eventsCommitted: options.eventsCommitted,
    productsChanged: options.productsChanged,
    limits: options.limits ?? NO_PRACTICAL_LIMITS,
  });
  return {
    service,
    db,
    handlers: handlersFor(service),
    queries: () => queryCount,
    close: async () => {
      await Promise.all([db.destroy(), serviceDb.destroy()]);
    },
  };
};

/** Empties every table an order touches. */
export const resetOrders = async (db: Kysely<Database>): Promise<void> => {
  await sql`truncate table order_items, orders, customer_order_writes, stock_subscriptions, stock_adjustments, outbox, products`.execute(
    db,
  );
};

/** Inserts an active product straight into the catalog's table; returns its id. */
export const insertProduct = async (
  db: Kysely<Database>,
  overrides: ProductRowOverrides = {},
): Promise<string> => (await insertProductRow(db, { sku: 'ORD', name: 'Order' }, overrides)).id;

export const stockOf = async (db: Kysely<Database>, id: string): Promise<number> =>
  (await db.selectFrom('products').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock;

/** The StockChanged payloads written for a product, oldest first. */
export const eventsOf = async (db: Kysely<Database>, productId: string) =>
  (
    await db
      .selectFrom('outbox')
      .select(['partition_key', 'type', 'payload'])
      .where('partition_key', '=', productId)
      .orderBy('seq')
      .execute()
  ).map((row) => row.payload as Record<string, unknown>);

/** Everything a request could have changed, for "nothing changed" assertions. */
export const snapshot = async (db: Kysely<Database>) => ({
  products: await db.selectFrom('products').selectAll().orderBy('seq').execute(),
  orders: await db.selectFrom('orders').selectAll().orderBy('seq').execute(),
  items: await db.selectFrom('order_items').selectAll().orderBy('order_id').orderBy('line_no').execute(),
  outbox: await db.selectFrom('outbox').selectAll().orderBy('seq').execute(),
  writes: await db
    .selectFrom('customer_order_writes')
    .selectAll()
    .orderBy('customer_id')
    .orderBy('at')
    .execute(),
});

export const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Street',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};
