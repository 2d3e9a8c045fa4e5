// Orders: how many database round trips one order costs (counted), how fast one hot product sells
// compared with the cheapest possible stock decrement on the same database, and how long placing
// an order takes through the real handler, in process.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDb } from '@shop/db';
import { apiGatewayEvent, claimsOf, lambdaContext } from '@shop/lambda-kit/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { placeOrderHandler } from '../../services/orders/src/handlers/place-order';
import { createOrdersService } from '../../services/orders/src/orders.service';
import type { BenchContext, Benchmark, BenchOutcome } from './benchmark';
import { median, round, summarize } from './stats';

const ROUND_TRIP_ORDERS = 50;
const CONNECTIONS = 20;
const HOT_OPERATIONS = 3_000;
const HOT_ROUNDS = 3;
const LATENCY_WARMUP = 50;
const LATENCY_SAMPLES = 1_000;
const TARGET_ROUND_TRIPS = 1;
const TARGET_RATIO = 0.5;

const CUSTOMER = claimsOf('00000000-0000-4000-8000-0000000be001', ['customer']);
// The bench measures the order path, not the per-customer limits (their checks still run).
const UNLIMITED = { maxWritesPerWindow: 1_000_000_000, windowSeconds: 60, maxOpenOrders: 1_000_000_000 };
const ADDRESS = {
  name: 'Bench',
  line1: '1 Bench Street',
  city: 'Benchville',
  postalCode: '00000',
  country: 'US',
};

export const benchmark: Benchmark = {
  name: 'orders',
  method:
    'Round trips: the real orders service places ' +
    `${ROUND_TRIP_ORDERS} two-line orders one after another; every query its kysely pool sends is counted ` +
    '(kysely query log) and divided by the number of orders. Hot SKU: one product with ample stock, ' +
    `${HOT_OPERATIONS} single-unit orders (each by a customer of its own) through the service by ${CONNECTIONS} concurrent workers on a pool of ` +
    `${CONNECTIONS} connections, against the same number of raw \`UPDATE products SET stock = stock - 1 WHERE id = $1 ` +
    `AND stock >= 1\` statements (autocommit) on another product by ${CONNECTIONS} workers on a pg pool of ` +
    `${CONNECTIONS}, same database, same run; ${HOT_ROUNDS} interleaved rounds, median throughput of each. ` +
    `Latency: ${LATENCY_SAMPLES} \`POST /orders\` handler invocations one after another in process ` +
    `(after ${LATENCY_WARMUP} warm-up calls), wall time of each, nearest-rank percentiles.`,
  run,
};

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const { databaseUrl } = ctx.stack;
  let queries = 0;
  const db = createDb(
    { url: databaseUrl },
    {
      max: CONNECTIONS,
      log: (event) => {
        if (event.level === 'query' || event.level === 'error') queries += 1;
      },
    },
  );
  const raw = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const service = createOrdersService({ db, newId: randomUUID, limits: UNLIMITED });
  const viewer = { customerId: CUSTOMER.sub, isAdmin: false };
  // A hot product sells to many buyers at once: each hot-SKU order comes from a customer of its own.
  const buyer = () => ({ customerId: randomUUID(), isAdmin: false });
  const newProduct = async (stock: number) => {
    const id = await ctx.stack.insertProduct();
    await db.updateTable('products').set({ stock }).where('id', '=', id).execute();
    return id;
  };
  // The round-trip count places 50 orders as one customer; the limits let it (UNLIMITED).
  const place = (items: { productId: string; quantity: number }[], by = viewer) =>
    service.placeOrder({ items, shippingAddress: ADDRESS }, by, 'bench');

  try {
    // 1. Round trips per order.
    const a = await newProduct(1_000_000);
    const b = await newProduct(1_000_000);
    const before = queries;
    for (let i = 0; i < ROUND_TRIP_ORDERS; i += 1) {
      await place([
        { productId: a, quantity: 1 },
        { productId: b, quantity: 2 },
      ]);
    }
    const roundTrips = (queries - before) / ROUND_TRIP_ORDERS;
    ctx.log(`database round trips per order: ${roundTrips}`);

    // 2. Hot SKU: orders vs raw conditional updates, interleaved.
    const workers = async (operations: number, operation: () => Promise<void>): Promise<number> => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < operations) {
            next += 1;
            await operation();
          }
        }),
      );
      return operations / ((performance.now() - started) / 1000);
    };
    const orderRates: number[] = [];
    const updateRates: number[] = [];
    for (let roundNo = 0; roundNo < HOT_ROUNDS; roundNo += 1) {
      const hotOrder = await newProduct(HOT_OPERATIONS * 10);
      const hotUpdate = await newProduct(HOT_OPERATIONS * 10);
      orderRates.push(
        await workers(HOT_OPERATIONS, async () => {
          await place([{ productId: hotOrder, quantity: 1 }], buyer());
        }),
      );
      updateRates.push(
        await workers(HOT_OPERATIONS, async () => {
          const result = await raw.query(
            'UPDATE products SET stock = stock - 1 WHERE id = $1 AND stock >= 1',
            [hotUpdate],
          );
          if (result.rowCount !== 1) throw new Error('the raw update ran out of stock');
        }),
      );
      const { stock } = await db
        .selectFrom('products')
        .select('stock')
        .where('id', '=', hotOrder)
        .executeTakeFirstOrThrow();
      if (stock !== HOT_OPERATIONS * 9)
        throw new Error(`hot product has ${stock} left, not ${HOT_OPERATIONS * 9}`);
    }
    const orderRate = median(orderRates);
    const updateRate = median(updateRates);
    const ratio = orderRate / updateRate;
    ctx.log(
      `hot SKU: ${orderRates.map((r) => round(r, 0)).join(', ')} orders/s vs ${updateRates.map((r) => round(r, 0)).join(', ')} updates/s`,
    );

    // 3. In-process latency through the handler, for requests without an Idempotency-Key: the
    // route still needs its table configured (read at first use), but never calls DynamoDB.
    process.env.IDEMPOTENCY_TABLE = 'shop-orders-bench-idempotency';
    const latencyProduct = await newProduct(1_000_000);
    const handler = placeOrderHandler(() => service);
    const context = lambdaContext('shop-orders-bench-placeOrder');
    const invokeOnce = async () => {
      const event = apiGatewayEvent({
        method: 'POST',
        path: '/orders',
        body: { items: [{ productId: latencyProduct, quantity: 1 }], shippingAddress: ADDRESS },
        // A customer per order, as in real traffic: one customer's thousand open orders would
        // measure the per-customer limit checks on a history no real customer can have.
        claims: claimsOf(randomUUID(), ['customer']),
      });
      const started = performance.now();
      const response = await handler(event, context);
      const elapsed = performance.now() - started;
      if (response.statusCode !== 201) throw new Error(`placing an order answered ${response.statusCode}`);
      return elapsed;
    };
    for (let i = 0; i < LATENCY_WARMUP; i += 1) await invokeOnce();
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i += 1) samples.push(await invokeOnce());
    const latency = summarize(samples);

    return {
      rows: [
        {
          measurement: 'orders: database round trips per order (2-line basket, counted)',
          value: { amount: roundTrips, unit: roundTrips === 1 ? 'round trip' : 'round trips' },
          target: `${TARGET_ROUND_TRIPS} (never > 3)`,
          met: roundTrips <= TARGET_ROUND_TRIPS,
        },
        {
          measurement: `orders: hot-SKU placement rate, ${CONNECTIONS} connections`,
          value: { amount: round(orderRate, 0), unit: 'orders/s' },
          baseline: { amount: round(updateRate, 0), unit: 'raw updates/s' },
          ratio: round(ratio, 2),
          target: `>= ${TARGET_RATIO}x raw UPDATE`,
          met: ratio >= TARGET_RATIO,
        },
        {
          measurement: 'orders: POST /orders in process, p50',
          value: { amount: round(latency.p50, 2), unit: 'ms' },
        },
        {
          measurement: 'orders: POST /orders in process, p99',
          value: { amount: round(latency.p99, 2), unit: 'ms' },
        },
      ],
      raw: {
        roundTrips: { orders: ROUND_TRIP_ORDERS, perOrder: roundTrips },
        hotSku: {
          connections: CONNECTIONS,
          operations: HOT_OPERATIONS,
          orderRates: orderRates.map((r) => round(r, 1)),
          updateRates: updateRates.map((r) => round(r, 1)),
          ratio: round(ratio, 3),
        },
        latencyMs: Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, round(v, 3)])),
      },
    };
  } finally {
    await sql`select 1`.execute(db).catch(() => undefined);
    await Promise.all([db.destroy(), raw.end()]);
  }
}
