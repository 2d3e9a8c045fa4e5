// The orders composition root. Built once per cold start and reused by warm invocations; each
// piece is created on first use.
import { randomUUID } from 'node:crypto';
import { createDb } from '@shop/db';
import { kickOutboxRelay } from '@shop/outbox';
import { loadOrdersConfig } from './config';
import { createOrdersService, type OrdersService } from './orders.service';

const lazy = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
};

/** Read once per cold start, validated and frozen; a missing variable fails fast. */
export const ordersConfig = /* @__PURE__ */ lazy(() => loadOrdersConfig());

const buildService = (eventsCommitted?: () => Promise<void>): OrdersService =>
  createOrdersService({
    db: createDb(ordersConfig().writer),
    newId: randomUUID,
    ...(eventsCommitted ? { eventsCommitted } : {}),
  });

/** The service the read and status handlers use by default; tests pass their own. */
export const ordersService = /* @__PURE__ */ lazy(() => buildService());

/**
 * The same service for the two routes that write StockChanged events (place, cancel): after the
 * commit it kicks the outbox relay, so the events reach Kinesis at once instead of with the
 * sweeper. Only these functions bundle the Kinesis client.
 */
export const ordersServiceWithEvents = /* @__PURE__ */ lazy(() => buildService(() => kickOutboxRelay()));
