// The catalog's composition root. Built once per cold start and reused by warm invocations; each
// piece is created on first use, so a function only pays for the clients it touches.
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createProductCache as createSharedProductCache, type ProductCache } from '@shop/catalog-cache';
import { reportCacheErrors } from '@shop/catalog-cache/lambda';
import { createDb } from '@shop/db';
import { lazy } from '@shop/lambda-kit';
import { kickOutboxRelay } from '@shop/outbox';
import { type CatalogService, createCatalogService } from './catalog.service';
import { type CatalogConfig, loadCatalogConfig } from './config';
import { createS3ImageStorage, type ImageStorage } from './image.storage';

/** The catalog cache (@shop/catalog-cache) at `redisUrl`; null = Redis off. */
export const createProductCache = (redisUrl: string | null): ProductCache =>
  createSharedProductCache(redisUrl, reportCacheErrors('serving from the database'));

export const createImageStorage = (config: CatalogConfig): ImageStorage =>
  createS3ImageStorage(
    new S3Client({
      region: config.region,
      ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    config.assetsBucket,
  );

const config = /* @__PURE__ */ lazy(() => loadCatalogConfig());

const buildService = (images: () => ImageStorage, eventsCommitted?: () => Promise<void>): CatalogService =>
  createCatalogService({
    writer: createDb(config().writer),
    reader: createDb(config().reader),
    cache: createProductCache(config().redisUrl),
    images,
    assetsPublicUrl: config().assetsPublicUrl,
    newId: randomUUID,
    now: () => new Date(),
    ...(eventsCommitted ? { eventsCommitted } : {}),
  });

const noImageStorage = (): ImageStorage => {
  throw new Error('this function was built without image storage; use catalogServiceWithImages');
};

/** The service the product and stock handlers use by default; tests pass their own. */
export const catalogService = /* @__PURE__ */ lazy(() => buildService(noImageStorage));

/**
 * The same service with S3 wired in, for the two image routes only: the S3 client is large, and
 * leaving it out keeps the read functions' bundles small and their cold starts short.
 */
export const catalogServiceWithImages = /* @__PURE__ */ lazy(() =>
  buildService(lazy(() => createImageStorage(config()))),
);

/**
 * The same service for the two routes that write StockChanged events (stock adjustments, product
 * creation with initial stock): after the commit it kicks the outbox relay, so the events reach
 * Kinesis at once instead of with the sweeper. The kick never throws: with Kinesis down the
 * request still succeeds and the rows wait for the next drain. Only these functions bundle the
 * Kinesis client.
 */
export const catalogServiceWithEvents = /* @__PURE__ */ lazy(() =>
  buildService(noImageStorage, () => kickOutboxRelay()),
);
