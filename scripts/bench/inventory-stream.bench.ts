// Inventory stream: how fast the stock-events consumer gets through 1,000-record batches (decode,
// validate, record in the ledger, raise and publish alerts, invalidate the cache), compared with
// the cheapest way to write the same 1,000 ledger rows, and how many database round trips a batch
// costs.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createCatalogCacheInvalidation } from '@shop/catalog-cache/lambda';
import { createDb } from '@shop/db';
import type { StockChanged } from '@shop/domain';
import { lambdaContext } from '@shop/lambda-kit/testing';
import { sql } from 'kysely';
import { createSnsClient } from '../../services/inventory-stream/src/dependencies';
import { processStockEventsHandler } from '../../services/inventory-stream/src/handlers/process-stock-events';
import { createStockAlertPublisher } from '../../services/inventory-stream/src/stock-alert.publisher';
import { createStockEventsService } from '../../services/inventory-stream/src/stock-events.service';
import { createStockLedger } from '../../services/inventory-stream/src/stock-ledger.repository';
import { kinesisEvent, kinesisRecord } from '../../services/inventory-stream/tests/support/kinesis-events';
import { findFreePort } from '../lib/ports';
import { ensureTopic, startSnsLocal } from '../lib/sns-local';
import { Supervisor } from '../lib/supervisor';
import type { BenchContext, Benchmark, BenchOutcome } from './benchmark';
import { median, round } from './stats';

const BATCH = 1_000;
const PRODUCTS = 50;
/** One event in this many crosses the low-stock threshold and raises an alert. */
const ALERT_EVERY = 50;
const WARMUP = 1;
const ROUNDS = 7;
const TARGET_ROUND_TRIPS = 2;
/** A Kinesis shard accepts at most 1,000 records/s: one consumer per shard must keep up with that. */
const TARGET_RECORDS_PER_SECOND = 1_000;

export const benchmark: Benchmark = {
  name: 'inventory-stream',
  method:
    `The real processStockEvents handler (in process, Powertools batch processor) on Kinesis events of ${BATCH} ` +
    `base64 StockChanged records over ${PRODUCTS} products, ${BATCH / ALERT_EVERY} of which cross the low-stock ` +
    'threshold: records are decoded and validated, recorded in the ledger with their alerts (PostgreSQL), the ' +
    'alerts published to a topic on the SNS stand-in (serverless-offline-sns, in process, http) and the products ' +
    'invalidated in Redis. Baseline, same run and database: one plain multi-row `INSERT INTO stock_ledger` of the ' +
    `same ${BATCH} rows (already parsed, no alerts, no SNS, no cache). ${WARMUP} warm-up batch each, then ${ROUNDS} ` +
    'interleaved rounds with fresh event ids; median wall time of each, as records per second. Round trips: every ' +
    'query the consumer\u2019s kysely pool sends during one batch (kysely query log).',
  run,
};

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const supervisor = new Supervisor();
  let queries = 0;
  const db = createDb(
    { url: ctx.stack.databaseUrl },
    {
      max: 1,
      log: (event) => {
        if (event.level === 'query' || event.level === 'error') queries += 1;
      },
    },
  );
  const baselineDb = createDb({ url: ctx.stack.databaseUrl }, { max: 1 });
  try {
    const { endpoint } = await startSnsLocal({ port: await findFreePort(), supervisor });
    const topicArn = await ensureTopic(endpoint, `shop-bench-stock-alerts-${randomUUID().slice(0, 8)}`);
    const sns = createSnsClient('us-east-1', endpoint);
    supervisor.defer('bench-sns-client', async () => sns.destroy());
    const service = createStockEventsService({
      ledger: createStockLedger(db),
      publisher: createStockAlertPublisher(sns, topicArn),
      productsChanged: createCatalogCacheInvalidation(ctx.stack.redisUrl),
      newId: randomUUID,
    });
    const handler = processStockEventsHandler(() => service);
    const context = lambdaContext('shop-inventory-stream-bench-processStockEvents');
    const products: string[] = [];
    for (let i = 0; i < PRODUCTS; i += 1) products.push(await ctx.stack.insertProduct());

    const consume = async (): Promise<{ seconds: number; roundTrips: number }> => {
      const event = kinesisEvent(batchOf(products).map((change) => kinesisRecord(change)));
      const before = queries;
      const started = performance.now();
      const response = await handler(event, context);
      const seconds = (performance.now() - started) / 1000;
      if (response.batchItemFailures.length > 0) {
        throw new Error(`${response.batchItemFailures.length} records failed`);
      }
      return { seconds, roundTrips: queries - before };
    };
    const insertPlainly = async (): Promise<number> => {
      const rows = batchOf(products).map((e) => ({
        event_id: e.id,
        product_id: e.productId,
        delta: e.delta,
        reason: e.reason,
        previous_stock: e.previousStock,
        new_stock: e.newStock,
        order_id: e.orderId ?? null,
        correlation_id: e.correlationId,
        occurred_at: e.occurredAt,
      }));
      const started = performance.now();
      await baselineDb.insertInto('stock_ledger').values(rows).execute();
      return (performance.now() - started) / 1000;
    };

    for (let i = 0; i < WARMUP; i += 1) {
      await consume();
      await insertPlainly();
    }
    const consumerSeconds: number[] = [];
    const baselineSeconds: number[] = [];
    const roundTrips: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const { seconds, roundTrips: trips } = await consume();
      consumerSeconds.push(seconds);
      roundTrips.push(trips);
      baselineSeconds.push(await insertPlainly());
    }
    const consumerRate = BATCH / median(consumerSeconds);
    const baselineRate = BATCH / median(baselineSeconds);
    const ratio = consumerRate / baselineRate;
    const worstRoundTrips = Math.max(...roundTrips);
    ctx.log(
      `consumer ${consumerSeconds.map((s) => round(s * 1000, 1)).join(', ')} ms per batch; ` +
        `plain INSERT ${baselineSeconds.map((s) => round(s * 1000, 1)).join(', ')} ms; round trips ${roundTrips.join(', ')}`,
    );

    return {
      rows: [
        {
          measurement: `inventory-stream: consumer throughput, ${BATCH}-record batches (${BATCH / ALERT_EVERY} alerts each)`,
          value: { amount: round(consumerRate, 0), unit: 'records/s' },
          baseline: { amount: round(baselineRate, 0), unit: 'rows/s plain INSERT' },
          ratio: round(ratio, 2),
          target: `>= ${TARGET_RECORDS_PER_SECOND} records/s (a shard's write limit)`,
          met: consumerRate >= TARGET_RECORDS_PER_SECOND,
        },
        {
          measurement: `inventory-stream: database round trips per ${BATCH}-record batch (counted)`,
          value: { amount: worstRoundTrips, unit: worstRoundTrips === 1 ? 'round trip' : 'round trips' },
          target: `<= ${TARGET_ROUND_TRIPS} whatever the batch size`,
          met: worstRoundTrips <= TARGET_ROUND_TRIPS,
        },
      ],
      raw: {
        batch: BATCH,
        products: PRODUCTS,
        alertsPerBatch: BATCH / ALERT_EVERY,
        consumerMs: consumerSeconds.map((s) => round(s * 1000, 2)),
        plainInsertMs: baselineSeconds.map((s) => round(s * 1000, 2)),
        roundTrips,
        ratio: round(ratio, 3),
      },
    };
  } finally {
    await sql`select 1`.execute(db).catch(() => undefined);
    await Promise.all([db.destroy(), baselineDb.destroy()]);
    await supervisor.stopAll();
  }
}

let stock = 1_000_000;

/** Fresh events: every ALERT_EVERY-th one goes from above the threshold (5) to it (LowStock). */
function batchOf(products: readonly string[]): StockChanged[] {
  const occurredAt = new Date().toISOString();
  return Array.from({ length: BATCH }, (_, i) => {
    const alert = i % ALERT_EVERY === ALERT_EVERY - 1;
    // Round robin over the products, shifted by one each lap: the alerts fall on different products.
    const product = (i + Math.floor(i / products.length)) % products.length;
    stock -= 1;
    const previousStock = alert ? 6 : stock + 1;
    const newStock = alert ? 5 : stock;
    return {
      schemaVersion: 1,
      id: randomUUID(),
      type: 'StockChanged',
      occurredAt,
      productId: products[product]!,
      sku: `BENCH-${product}`,
      previousStock,
      newStock,
      delta: newStock - previousStock,
      lowStockThreshold: 5,
      reason: 'order',
      orderId: randomUUID(),
      correlationId: `bench-${i}`,
    };
  });
}
