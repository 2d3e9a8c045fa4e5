/**
 * The transactional outbox relay shared by every service that writes `StockChanged` events
 * (orders, catalog): committed `outbox` rows go to the `stock-events` Kinesis stream, at least
 * once, keeping each product's order.
 *
 * - After a transaction that wrote outbox rows has committed, a handler awaits
 *   {@link kickOutboxRelay}: the events usually reach the stream before the response leaves, and
 *   the kick never throws.
 * - The scheduled sweeper (orders' `relayOutbox`, locally `scripts/dev/outbox-sweeper.ts`) calls
 *   {@link OutboxRelay.drain} on {@link outboxRelay} or on a relay built with
 *   {@link createOutboxRelay}.
 *
 * Import only what you use: the package has no side effects, so functions that never kick the
 * relay do not bundle the Kinesis client.
 * @packageDocumentation
 */
export {
  type Batch,
  type BatchLimits,
  KINESIS_LIMITS,
  type OutboxRecord,
  recordBytes,
  selectBatch,
} from './batch';
export { loadOutboxConfig, type OutboxConfig } from './config';
export { createOutboxRelayFromConfig, KICK_WAIT_MS, kickOutboxRelay, outboxRelay } from './dependencies';
export {
  createKinesisClient,
  createKinesisPublisher,
  type KinesisClientOptions,
  type OutboxPublisher,
  type PublishOutcome,
  type RejectedRecord,
} from './publisher';
export {
  createOutboxRelay,
  type DrainOptions,
  type DrainOutcome,
  type DrainResult,
  type OutboxRelay,
  type OutboxRelayOptions,
  type RelayLogger,
} from './relay';
export {
  createRelayDb,
  findOldestUnpublishedPerKey,
  markPublished,
  RELAY_LOCK_KEY,
  tryLockRelay,
} from './repository';
