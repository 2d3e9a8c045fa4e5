import { logger } from '@shop/lambda-kit';
import type { DrainResult, OutboxRelay } from '@shop/outbox';
import { describe, expect, it, vi } from 'vitest';
import { relayOutboxHandler, SWEEP_BUDGET_MS } from '../../src/handlers/relay-outbox';

const drained: DrainResult = { outcome: 'drained', published: 3, failedRounds: 0 };

describe('the relayOutbox sweeper', () => {
  it('drains with the sweep budget and reports the result', async () => {
    const budgets: Array<number | undefined> = [];
    const relay: OutboxRelay = {
      drain: async (options) => {
        budgets.push(options?.maxDurationMs);
        return drained;
      },
    };

    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    await expect(relayOutboxHandler(() => relay)()).resolves.toEqual(drained);
    info.mockRestore();
    expect(budgets).toEqual([SWEEP_BUDGET_MS]);
  });
});
