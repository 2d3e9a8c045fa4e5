// Builds the real catalog (real PostgreSQL, Redis and s3rver from the integration global setup)
// with every handler wired to it, plus helpers to inspect and reset the database.
import { randomUUID } from 'node:crypto';
import { createDb, type Database } from '@shop/db';
import { claimsOf } from '@shop/lambda-kit/testing';
import { Redis } from 'ioredis';
import { type Insertable, type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { asServiceUser } from '../../../../scripts/test/database-user';
import { type CatalogService, createCatalogService } from '../../src/catalog.service';
import { createImageStorage, createProductCache } from '../../src/dependencies';
import { adjustStockHandler } from '../../src/handlers/adjust-stock';
import { archiveProductHandler } from '../../src/handlers/archive-product';
import { createImageUploadHandler } from '../../src/handlers/create-image-upload';
import { createProductHandler } from '../../src/handlers/create-product';
import { getProductHandler } from '../../src/handlers/get-product';
import { getStockHistoryHandler } from '../../src/handlers/get-stock-history';
import { listProductsHandler } from '../../src/handlers/list-products';
import { subscribeToStockHandler } from '../../src/handlers/subscribe-to-stock';
import { unsubscribeFromStockHandler } from '../../src/handlers/unsubscribe-from-stock';
import { updateProductHandler } from '../../src/handlers/update-product';

export const ADMIN = claimsOf('00000000-0000-4000-8000-00000000a001', ['admin']);
export const CUSTOMER = claimsOf('00000000-0000-4000-8000-00000000c001', ['customer']);
export const OTHER_CUSTOMER = claimsOf('00000000-0000-4000-8000-00000000c002', ['customer']);

export interface Harness {
  readonly service: CatalogService;
  readonly db: Kysely<Database>;
  readonly redis: Redis;
  /** Number of queries the service's reader connection has run. */
  readerQueries(): number;
  readonly handlers: ReturnType<typeof handlersFor>;
  close(): Promise<void>;
}

export const handlersFor = (service: CatalogService) => {
  const get = () => service;
  return {
    list: listProductsHandler(get),
    get: getProductHandler(get),
    create: createProductHandler(get),
    update: updateProductHandler(get),
    archive: archiveProductHandler(get),
    adjustStock: adjustStockHandler(get),
    imageUpload: createImageUploadHandler(get),
    stockHistory: getStockHistoryHandler(get),
    subscribe: subscribeToStockHandler(get),
    unsubscribe: unsubscribeFromStockHandler(get),
  };
};

export interface HarnessOptions {
  readonly redisUrl?: string | null;
  /** The service's after-commit hook for outbox rows (production: kick the outbox relay). */
  readonly eventsCommitted?: () => Promise<void>;
}

export const createHarness = (options: HarnessOptions = {}): Harness => {
  const databaseUrl = inject('databaseUrl');
  const redisUrl = options.redisUrl === undefined ? inject('redisUrl') : options.redisUrl;
  let readerQueryCount = 0;
  // `db` below is the admin connection (fixtures, resets, assertions); the service's writer and
  // reader run as the catalog database user.
  const admin = createDb({ url: databaseUrl }, { max: 2 });
  const serviceUrl = asServiceUser(databaseUrl, 'catalog');
  const writer = createDb({ url: serviceUrl }, { max: 4 });
  const reader = createDb(
    { url: serviceUrl },
    {
      max: 4,
      log: (event) => {
        if (event.level === 'query') readerQueryCount += 1;
      },
    },
  );
  const s3Endpoint = inject('s3Endpoint');
  const service = createCatalogService({
    writer,
    reader,
    cache: createProductCache(redisUrl),
    images: () =>
      createImageStorage({
        assetsBucket: inject('assetsBucket'),
        s3Endpoint,
        region: 'us-east-1',
        assetsPublicUrl: `${s3Endpoint}/${inject('assetsBucket')}`,
        redisUrl,
        writer: { url: databaseUrl },
        reader: { url: databaseUrl },
      }),
    assetsPublicUrl: `${s3Endpoint}/${inject('assetsBucket')}`,
    newId: randomUUID,
    now: () => new Date(),
    ...(options.eventsCommitted ? { eventsCommitted: options.eventsCommitted } : {}),
  });
  const redis = new Redis(inject('redisUrl'), { lazyConnect: true });
  return {
    service,
    db: admin,
    redis,
    readerQueries: () => readerQueryCount,
    handlers: handlersFor(service),
    async close() {
      redis.disconnect();
      await Promise.all([admin.destroy(), writer.destroy(), reader.destroy()]);
    },
  };
};

/**
 * Empties every catalog table and the cache between tests, with the stock stream's tables that
 * refer to products (subscriptions) or that the stock history reads (ledger, and its alerts).
 */
export const resetCatalog = async (harness: Harness): Promise<void> => {
  await sql`truncate table stock_subscriptions, stock_alerts, stock_ledger, stock_adjustments, outbox, products`.execute(
    harness.db,
  );
  await harness.redis.flushdb();
};

/** Everything a request could have changed, for "nothing changed" assertions. */
export const snapshot = async (db: Kysely<Database>) => ({
  products: await db.selectFrom('products').selectAll().orderBy('seq').execute(),
  outbox: await db.selectFrom('outbox').selectAll().orderBy('seq').execute(),
  adjustments: await db.selectFrom('stock_adjustments').selectAll().orderBy('created_at').execute(),
  subscriptions: await db.selectFrom('stock_subscriptions').selectAll().orderBy('id').execute(),
  ledger: await db.selectFrom('stock_ledger').selectAll().orderBy('seq').execute(),
});

/** A stock ledger row as inventory-stream writes it from a `StockChanged` event. */
export const ledgerRow = (
  productId: string,
  overrides: Partial<Insertable<Database['stock_ledger']>> = {},
): Insertable<Database['stock_ledger']> => ({
  event_id: randomUUID(),
  product_id: productId,
  delta: 5,
  reason: 'restock',
  previous_stock: 0,
  new_stock: 5,
  order_id: null,
  correlation_id: 'corr-test',
  occurred_at: new Date(),
  ...overrides,
});

let skuCounter = 0;
export const newProductBody = (overrides: Record<string, unknown> = {}) => {
  skuCounter += 1;
  return {
    sku: `TEST-${process.pid}-${skuCounter}`,
    name: `Test product ${skuCounter}`,
    description: 'A product made by a test',
    category: 'testing',
    price: { amount: 1999, currency: 'USD' },
    stock: 10,
    lowStockThreshold: 5,
    ...overrides,
  };
};
