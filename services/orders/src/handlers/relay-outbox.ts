// Scheduled (EventBridge `rate(1 minute)`): the outbox sweeper. Publishes whatever the kicks after
// commits (orders' and catalog's) left behind: a Kinesis outage, a relay that crashed mid-batch, a
// frozen container. One sweeper serves the shared outbox table. Locally scripts/dev/outbox-sweeper.ts
// runs the same relay every 250 ms as well.
import { logger } from '@shop/lambda-kit';
import { type DrainResult, type OutboxRelay, outboxRelay } from '@shop/outbox';

/** Leaves the function's 60 s timeout room to commit the last round. */
export const SWEEP_BUDGET_MS = 45_000;

export const relayOutboxHandler =
  (getRelay: () => OutboxRelay = outboxRelay) =>
  async (): Promise<DrainResult> => {
    const result = await getRelay().drain({ maxDurationMs: SWEEP_BUDGET_MS });
    logger.info('outbox sweep finished', { ...result });
    return result;
  };

export const handler = relayOutboxHandler();
