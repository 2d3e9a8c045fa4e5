// The real catalog, in process: the service and the `GET /products/{id}` handler wired to the
// benchmark's PostgreSQL and Redis exactly as the composition root wires them, with the reader's
// queries counted through kysely's log.
import { randomUUID } from 'node:crypto';
import { createDb } from '@shop/db';
import { createCatalogService } from '../../services/catalog/src/catalog.service';
import { createProductCache } from '../../services/catalog/src/dependencies';
import { getProductHandler } from '../../services/catalog/src/handlers/get-product';
import type { BenchStack } from './bench.stack';

export interface CatalogFixture {
  readonly getProduct: ReturnType<typeof getProductHandler>;
  /** Queries the reader connection has run since the fixture was built. */
  readerQueries(): number;
  close(): Promise<void>;
}

const noImageStorage = () => {
  throw new Error('the read benchmarks never touch image storage');
};

export const createCatalogFixture = (stack: BenchStack): CatalogFixture => {
  let readerQueryCount = 0;
  const writer = createDb({ url: stack.databaseUrl });
  const reader = createDb(
    { url: stack.databaseUrl },
    {
      log: (event) => {
        if (event.level === 'query') readerQueryCount += 1;
      },
    },
  );
  const cache = createProductCache(stack.redisUrl);
  const service = createCatalogService({
    writer,
    reader,
    cache,
    images: noImageStorage,
    assetsPublicUrl: stack.assetsPublicUrl,
    newId: randomUUID,
    now: () => new Date(),
  });
  return {
    getProduct: getProductHandler(() => service),
    readerQueries: () => readerQueryCount,
    async close() {
      await Promise.all([writer.destroy(), reader.destroy()]);
    },
  };
};
