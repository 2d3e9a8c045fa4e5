// Scheduled (EventBridge `rate(1 minute)`): the outbox sweeper. Publishes whatever the kicks after
// commits left behind: a Kinesis outage, a relay that crashed mid-batch, a frozen container, and
// events written by other services (catalog stock adjustments). Locally scripts/dev/outbox-sweeper.ts
// runs the same relay every 250 ms as well.
import { logger } from '@shop/lambda-kit';
import { outboxRelay } from '../outbox/outbox.dependencies';
import type { DrainResult, OutboxRelay } from '../outbox/outbox.relay';

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
