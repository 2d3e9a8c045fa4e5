// Stampede: many concurrent reads of one product whose cache entry has just gone. Cache-aside alone
// would send every one of them to the database; the catalog's in-process single flight should
// collapse them into one query.

import { apiGatewayEvent, lambdaContext } from '@shop/lambda-kit/testing';
import { Redis } from 'ioredis';
import type { BenchContext, Benchmark, BenchOutcome } from './benchmark';
import { createCatalogFixture } from './catalog.fixture';

const CONCURRENT = 100;
const ROUNDS = 5;
const TARGET_QUERIES = 1;

export const benchmark: Benchmark = {
  name: 'stampede',
  method:
    `${ROUNDS} rounds, each: delete the product's cache key, then start ${CONCURRENT} \`GET /products/{id}\` ` +
    'handler calls at once in one process (the same in-process catalog as the cached read) and wait for all ' +
    'of them; every call must answer 200. Database queries are counted through the kysely query log of the ' +
    'reader connection; the table shows the worst round. The baseline is the number of requests: what plain ' +
    'cache-aside without request coalescing would send to the database.',
  run,
};

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const { productId, redisUrl } = ctx.stack;
  const fixture = createCatalogFixture(ctx.stack);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0 });
  const key = `catalog:product:${productId}`;
  const context = lambdaContext('shop-catalog-bench-getProduct');
  try {
    const queriesPerRound: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await redis.del(key);
      const events = Array.from({ length: CONCURRENT }, () =>
        apiGatewayEvent({ method: 'GET', path: `/products/${productId}`, pathParameters: { id: productId } }),
      );
      const before = fixture.readerQueries();
      const responses = await Promise.all(events.map((event) => fixture.getProduct(event, context)));
      queriesPerRound.push(fixture.readerQueries() - before);
      const failed = responses.filter((response) => response.statusCode !== 200);
      if (failed.length > 0) {
        throw new Error(
          `${failed.length} of ${CONCURRENT} concurrent reads failed (status ${failed[0]!.statusCode})`,
        );
      }
      if ((await redis.exists(key)) !== 1) throw new Error(`round ${round + 1} did not refill ${key}`);
    }
    const worst = Math.max(...queriesPerRound);
    ctx.log(`database queries per round: ${queriesPerRound.join(', ')}`);
    return {
      rows: [
        {
          measurement: `stampede: ${CONCURRENT} concurrent reads of a cold key (worst of ${ROUNDS})`,
          value: { amount: worst, unit: worst === 1 ? 'query' : 'queries' },
          baseline: { amount: CONCURRENT, unit: 'requests' },
          target: `${TARGET_QUERIES} query`,
          met: worst <= TARGET_QUERIES,
        },
      ],
      raw: {
        productId,
        concurrent: CONCURRENT,
        rounds: ROUNDS,
        queriesPerRound,
        worst,
        target: TARGET_QUERIES,
      },
    };
  } finally {
    redis.disconnect();
    await fixture.close();
  }
}
