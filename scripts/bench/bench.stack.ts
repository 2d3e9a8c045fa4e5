// The backing services of one benchmark run: a private PostgreSQL (migrated, seeded), Redis and
// s3rver, started with the same helpers as the test suite. Private on purpose: a benchmark must not
// share a server with a dev stack or a test run that would skew its timings or flush its cache.
import { randomUUID } from 'node:crypto';
import { createDb, migrateToLatest } from '@shop/db';
import { seedCatalog } from '../dev/seed';
import { startBackingServices } from '../lib/backing-services';
import { ensureDatabase, withDatabase } from '../lib/postgres';
import type { Supervisor } from '../lib/supervisor';

const DATABASE = 'shop_bench';

export interface BenchStack {
  /** The migrated, seeded benchmark database. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly s3Endpoint: string;
  readonly assetsBucket: string;
  /** Where s3rver serves the bucket's objects (the functions' ASSETS_PUBLIC_URL). */
  readonly assetsPublicUrl: string;
  /** A seeded, active, in-stock product: the subject of the read benchmarks. */
  readonly productId: string;
  /** Inserts an active product for benchmarks that change or archive one; returns its id. */
  insertProduct(): Promise<string>;
}

/** Starts everything under `dir`; the supervisor stops it all (database pool included). */
export async function startBenchStack(dir: string, supervisor: Supervisor): Promise<BenchStack> {
  // An empty environment: never reuse a DATABASE_URL/REDIS_URL a developer has exported.
  const redisServerBin = process.env.REDIS_SERVER_BIN;
  const services = await startBackingServices(
    dir,
    supervisor,
    redisServerBin ? { REDIS_SERVER_BIN: redisServerBin } : {},
  );
  await ensureDatabase(services.databaseUrl, DATABASE);
  const databaseUrl = withDatabase(services.databaseUrl, DATABASE);
  await migrateToLatest(databaseUrl);
  const { inserted } = await seedCatalog(databaseUrl);
  supervisor.log('bench', `database ${DATABASE} migrated, ${inserted} products seeded`);

  const db = createDb({ url: databaseUrl }, { max: 2 });
  supervisor.defer('bench-db', () => db.destroy());
  const subject = await db
    .selectFrom('products')
    .select('id')
    .where('status', '=', 'active')
    .where('stock', '>', 0)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirstOrThrow();

  let productCount = 0;
  return {
    databaseUrl,
    redisUrl: services.redisUrl,
    s3Endpoint: services.s3Endpoint,
    assetsBucket: services.assetsBucket,
    assetsPublicUrl: `${services.s3Endpoint}/${services.assetsBucket}`,
    productId: subject.id,
    async insertProduct() {
      productCount += 1;
      const id = randomUUID();
      await db
        .insertInto('products')
        .values({
          id,
          sku: `BENCH-${productCount}-${id.slice(0, 8)}`,
          name: `Benchmark product ${productCount}`,
          description: 'Made by pnpm bench',
          category: 'bench',
          price_amount: 1000,
          currency: 'USD',
          stock: 1000,
          low_stock_threshold: 5,
          status: 'active',
          images: '[]',
        })
        .execute();
      return id;
    },
  };
}
