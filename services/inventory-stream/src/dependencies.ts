// The inventory-stream composition root. Built once per cold start and reused by warm invocations;
// each piece is created on first use.
import { randomUUID } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { createCatalogCacheInvalidation } from '@shop/catalog-cache/lambda';
import { createDb } from '@shop/db';
import { lazy } from '@shop/lambda-kit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadInventoryStreamConfig } from './config';
import { createStockAlertPublisher } from './stock-alert.publisher';
import { createStockEventsService } from './stock-events.service';
import { createStockLedger } from './stock-ledger.repository';

/** Read once per cold start, validated and frozen; a missing variable fails fast. */
export const inventoryStreamConfig = /* @__PURE__ */ lazy(() => loadInventoryStreamConfig());

/**
 * SNS in the function's region (or the local stand-in). A Publish that hangs must not eat the
 * function's timeout: short timeouts, one retry; a record whose alert is not accepted is retried
 * by Lambda anyway.
 */
export const createSnsClient = (region: string, endpoint: string | null): SNSClient =>
  new SNSClient({
    region,
    ...(endpoint === null ? {} : { endpoint }),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }),
  });

export const stockEventsService = /* @__PURE__ */ lazy(() => {
  const config = inventoryStreamConfig();
  return createStockEventsService({
    // One invocation runs one statement at a time: a single connection per container.
    ledger: createStockLedger(createDb(config.database, { max: 1 })),
    publisher: createStockAlertPublisher(
      createSnsClient(config.region, config.snsEndpoint),
      config.stockAlertsTopicArn,
    ),
    productsChanged: createCatalogCacheInvalidation(config.redisUrl),
    newId: randomUUID,
  });
});
