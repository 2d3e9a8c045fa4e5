// The outbox relay's composition root, used by the composition roots of the services that write
// outbox rows (orders, catalog): built once per cold start, on first use, and shared by the
// handlers' kicks and the sweeper of this container.
import { logger } from '@shop/lambda-kit';
import { loadOutboxConfig, type OutboxConfig } from './config';
import { createKinesisClient, createKinesisPublisher } from './publisher';
import { createOutboxRelay, type OutboxRelay } from './relay';
import { createRelayDb } from './repository';

/** How long a request waits for its kick before answering; the drain goes on behind it. */
export const KICK_WAIT_MS = 1_500;

export const createOutboxRelayFromConfig = (config: OutboxConfig): OutboxRelay =>
  createOutboxRelay({
    db: createRelayDb(config.db, (error) =>
      logger.warn('outbox relay lost its database connection', { error }),
    ),
    publisher: createKinesisPublisher(
      createKinesisClient({ region: config.region, endpoint: config.kinesisEndpoint }),
      config.streamName,
    ),
    logger,
  });

let relay: OutboxRelay | undefined;

/** The container's relay; tests build their own with `createOutboxRelay`. */
export const outboxRelay = (): OutboxRelay => {
  relay ??= createOutboxRelayFromConfig(loadOutboxConfig());
  return relay;
};

/**
 * Call after a transaction that wrote outbox rows has COMMITTED, and await it: it starts a drain
 * and waits for it at most `waitMs`, so the events are usually in the stream before the response
 * leaves. It never throws and never fails the request: anything it leaves behind goes with the
 * next drain or the scheduled sweeper.
 */
export const kickOutboxRelay = async (
  getRelay: () => OutboxRelay = outboxRelay,
  waitMs: number = KICK_WAIT_MS,
): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    const drained = getRelay()
      .drain()
      .then(
        (result) => {
          if (result.outcome === 'gave-up')
            logger.warn('outbox kick left events for the sweeper', { ...result });
        },
        (error: unknown) => logger.warn('outbox relay failed', { error }),
      );
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([drained, timeout]);
  } catch (error) {
    logger.warn('outbox relay could not start', { error });
  } finally {
    clearTimeout(timer);
  }
};
