// The real consumer wired to the integration backing services: PostgreSQL (the project's migrated
// database), the SNS stand-in (a topic of this test file's own) and Redis. Every query the
// service's pool sends is counted. Assertions read through a separate pool, so they never count.

import { randomUUID } from 'node:crypto';
import { createCatalogCacheInvalidation } from '@shop/catalog-cache/lambda';
import { createDb, type Database } from '@shop/db';
import { lambdaContext } from '@shop/lambda-kit/testing';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { ensureTopic } from '../../../../scripts/lib/sns-local';
import { asServiceUser } from '../../../../scripts/test/database-user';
import { insertProductRow } from '../../../../scripts/test/product.fixture';
import { createSnsClient } from '../../src/dependencies';
import { processStockEventsHandler } from '../../src/handlers/process-stock-events';
import { createStockAlertPublisher } from '../../src/stock-alert.publisher';
import { createStockEventsService, type StockEventsService } from '../../src/stock-events.service';
import { createStockLedger } from '../../src/stock-ledger.repository';

/** Nothing listens here: a database or SNS that is down. */
export const UNREACHABLE = 'http://127.0.0.1:9';

export const newTopic = (): Promise<string> =>
  ensureTopic(inject('snsEndpoint'), `shop-test-stock-alerts-${randomUUID().slice(0, 8)}`);

export interface ConsumerOptions {
  readonly topicArn: string;
  /** The SNS endpoint the publisher uses; the stand-in by default. */
  readonly snsEndpoint?: string;
  /** Defaults to the project's database. */
  readonly databaseUrl?: string;
  /** Defaults to the suite's Redis; null = cache off. */
  readonly redisUrl?: string | null;
}

export interface Consumer {
  readonly service: StockEventsService;
  invoke(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse>;
  /** Queries the service's pool has sent so far. */
  queries(): number;
  close(): Promise<void>;
}

export const createConsumer = (options: ConsumerOptions): Consumer => {
  let queryCount = 0;
  const db = createDb(
    { url: options.databaseUrl ?? asServiceUser(inject('databaseUrl'), 'inventory') },
    {
      max: 1,
      log: (event) => {
        if (event.level === 'query' || event.level === 'error') queryCount += 1;
      },
    },
  );
  const sns = createSnsClient('us-east-1', options.snsEndpoint ?? inject('snsEndpoint'));
  const service = createStockEventsService({
    ledger: createStockLedger(db),
    publisher: createStockAlertPublisher(sns, options.topicArn),
    productsChanged: createCatalogCacheInvalidation(
      options.redisUrl === undefined ? inject('redisUrl') : options.redisUrl,
    ),
    newId: randomUUID,
  });
  const handler = processStockEventsHandler(() => service);
  const context = lambdaContext('shop-inventory-stream-test-processStockEvents');
  return {
    service,
    invoke: (event) => handler(event, context),
    queries: () => queryCount,
    close: async () => {
      sns.destroy();
      await db.destroy();
    },
  };
};

/** A database URL whose server is down. */
export const unreachableDatabaseUrl = (): string => 'postgres://postgres@127.0.0.1:9/shop';

/** A pool for assertions and seeding. */
export const inspectionDb = (): Kysely<Database> => createDb({ url: inject('databaseUrl') }, { max: 2 });

export const resetLedger = async (db: Kysely<Database>): Promise<void> => {
  await sql`truncate table stock_alerts, stock_ledger`.execute(db);
};

export interface SeededProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly version: number;
}

export const insertProduct = (
  db: Kysely<Database>,
  overrides: { stock?: number; lowStockThreshold?: number } = {},
): Promise<SeededProduct> => insertProductRow(db, { sku: 'INV', name: 'Inventory' }, overrides);

export const ledgerRows = (db: Kysely<Database>) =>
  db
    .selectFrom('stock_ledger')
    .select(['event_id', 'product_id', 'previous_stock', 'new_stock', 'delta', 'reason', 'seq'])
    .orderBy('seq')
    .execute();

/** Alert rows in the stream order of the events that raised them. */
export const alertRows = (db: Kysely<Database>) =>
  db
    .selectFrom('stock_alerts as a')
    .innerJoin('stock_ledger as l', 'l.event_id', 'a.event_id')
    .select(['a.id', 'a.event_id', 'a.product_id', 'a.type', 'a.payload', 'a.published_at'])
    .orderBy('l.seq')
    .execute();
