// Cached read: `GET /products/{id}` answered from Redis through the whole handler (middy stack,
// validation, service, cache adapter, response mapping), against a bare ioredis GET of the same key
// measured in the same process, interleaved in blocks so both see the same machine state.

import { apiGatewayEvent, lambdaContext } from '@shop/lambda-kit/testing';
import { Redis } from 'ioredis';
import type { BenchContext, Benchmark, BenchOutcome } from './benchmark';
import { createCatalogFixture } from './catalog.fixture';
import { round, type Summary, summarize } from './stats';

const CALLS = 10_000;
const WARM_UP_CALLS = 2_000;
const BLOCK = 500;
const TARGET_P99_RATIO = 2;

const nanosToMicros = (nanos: bigint): number => Number(nanos) / 1_000;

export const benchmark: Benchmark = {
  name: 'cached-read',
  method:
    `One process builds the catalog service and the \`GET /products/{id}\` handler with real PostgreSQL and ` +
    `Redis (as the composition root does), primes the product's cache entry with one call, then times ` +
    `${CALLS.toLocaleString('en')} sequential handler calls and ${CALLS.toLocaleString('en')} raw ioredis GETs of the ` +
    `same key (\`catalog:product:<id>\`) after ${WARM_UP_CALLS.toLocaleString('en')} warm-up calls of each, ` +
    `alternating blocks of ${BLOCK} (handler first in even blocks, GET first in odd ones). Each call is timed ` +
    'with `process.hrtime.bigint()`; events are built outside the timed region. The run fails if any handler ' +
    'call is not a 200 or the reader connection runs a query while timing (that would not be a cache hit).',
  run,
};

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const { productId, redisUrl } = ctx.stack;
  const fixture = createCatalogFixture(ctx.stack);
  const raw = new Redis(redisUrl, { maxRetriesPerRequest: 0 });
  const key = `catalog:product:${productId}`;
  const context = lambdaContext('shop-catalog-bench-getProduct');
  const events = (count: number) =>
    Array.from({ length: count }, () =>
      apiGatewayEvent({ method: 'GET', path: `/products/${productId}`, pathParameters: { id: productId } }),
    );

  const timeHandler = async (count: number, into: number[]) => {
    for (const event of events(count)) {
      const started = process.hrtime.bigint();
      const response = await fixture.getProduct(event, context);
      const elapsed = process.hrtime.bigint() - started;
      if (response.statusCode !== 200) throw new Error(`GET /products/{id} answered ${response.statusCode}`);
      into.push(nanosToMicros(elapsed));
    }
  };
  const timeRawGet = async (count: number, into: number[]) => {
    for (let i = 0; i < count; i += 1) {
      const started = process.hrtime.bigint();
      const value = await raw.get(key);
      const elapsed = process.hrtime.bigint() - started;
      if (value === null) throw new Error(`${key} is not cached: the raw GET would measure a miss`);
      into.push(nanosToMicros(elapsed));
    }
  };

  try {
    // The first call misses and fills the cache; every later one must be a hit.
    await timeHandler(1, []);
    if ((await raw.exists(key)) !== 1) throw new Error(`the handler did not cache ${key}`);
    await timeHandler(WARM_UP_CALLS, []);
    await timeRawGet(WARM_UP_CALLS, []);

    const handlerMicros: number[] = [];
    const rawMicros: number[] = [];
    const queriesBefore = fixture.readerQueries();
    for (let block = 0; block < CALLS / BLOCK; block += 1) {
      if (block % 2 === 0) {
        await timeHandler(BLOCK, handlerMicros);
        await timeRawGet(BLOCK, rawMicros);
      } else {
        await timeRawGet(BLOCK, rawMicros);
        await timeHandler(BLOCK, handlerMicros);
      }
    }
    const queries = fixture.readerQueries() - queriesBefore;
    if (queries !== 0) throw new Error(`${queries} database queries while timing cache hits`);

    const handler = summarize(handlerMicros);
    const baseline = summarize(rawMicros);
    const p99Ratio = handler.p99 / baseline.p99;
    ctx.log(
      `handler p50 ${handler.p50.toFixed(0)} µs p99 ${handler.p99.toFixed(0)} µs; ` +
        `raw GET p50 ${baseline.p50.toFixed(0)} µs p99 ${baseline.p99.toFixed(0)} µs`,
    );
    return {
      rows: [
        {
          measurement: 'cached read GET /products/{id}: p50',
          value: { amount: handler.p50, unit: 'µs' },
          baseline: { amount: baseline.p50, unit: 'µs', note: 'raw ioredis GET' },
          ratio: handler.p50 / baseline.p50,
        },
        {
          measurement: 'cached read GET /products/{id}: p99',
          value: { amount: handler.p99, unit: 'µs' },
          baseline: { amount: baseline.p99, unit: 'µs', note: 'raw ioredis GET' },
          ratio: p99Ratio,
          target: `<= ${TARGET_P99_RATIO}x raw GET`,
          met: p99Ratio <= TARGET_P99_RATIO,
        },
      ],
      raw: {
        productId,
        key,
        calls: CALLS,
        warmUpCalls: WARM_UP_CALLS,
        block: BLOCK,
        unit: 'µs',
        handler: roundSummary(handler),
        rawGet: roundSummary(baseline),
        p50Ratio: round(handler.p50 / baseline.p50),
        p99Ratio: round(p99Ratio),
        targetP99Ratio: TARGET_P99_RATIO,
      },
    };
  } finally {
    raw.disconnect();
    await fixture.close();
  }
}

const roundSummary = (summary: Summary): Record<string, number> =>
  Object.fromEntries(Object.entries(summary).map(([name, value]) => [name, round(value, 1)]));
