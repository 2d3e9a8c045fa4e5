import { logger } from '@shop/lambda-kit';
import { describe, expect, it, vi } from 'vitest';
import { kickOutboxRelay } from '../../src/dependencies';
import type { DrainResult, OutboxRelay } from '../../src/relay';

const drained: DrainResult = { outcome: 'drained', published: 3, failedRounds: 0 };

describe('kickOutboxRelay', () => {
  it('waits for the drain when it is quick', async () => {
    let finished = false;
    const relay: OutboxRelay = {
      drain: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
        return drained;
      },
    };

    await kickOutboxRelay(() => relay, 1_000);

    expect(finished).toBe(true);
  });

  it('stops waiting after its bound and leaves the drain running', async () => {
    // Prepare: fake timers stand in for the clock, so the bound is checked exactly, whatever the load.
    vi.useFakeTimers();
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let finishDrain: (result: DrainResult) => void = () => undefined;
    const relay: OutboxRelay = {
      drain: () =>
        new Promise<DrainResult>((resolve) => {
          finishDrain = resolve;
        }),
    };
    let returned = false;

    try {
      // Act
      const kick = kickOutboxRelay(() => relay, 50).then(() => {
        returned = true;
      });
      await vi.advanceTimersByTimeAsync(49);
      const returnedBeforeTheBound = returned;
      await vi.advanceTimersByTimeAsync(1);
      await kick;
      finishDrain({ outcome: 'gave-up', published: 0, failedRounds: 2 });
      await vi.runAllTimersAsync();

      // Assess: it waited the whole bound, no longer, and the drain it left went on to report.
      expect(returnedBeforeTheBound).toBe(false);
      expect(returned).toBe(true);
      expect(warn).toHaveBeenCalledWith('outbox kick left events for the sweeper', {
        outcome: 'gave-up',
        published: 0,
        failedRounds: 2,
      });
    } finally {
      warn.mockRestore();
      vi.useRealTimers();
    }
  });

  it('never fails the caller, whether the relay cannot be built or its drain rejects: it logs a warning', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    await expect(
      kickOutboxRelay(() => {
        throw new Error('STOCK_EVENTS_STREAM is missing');
      }, 50),
    ).resolves.toBeUndefined();
    await expect(
      kickOutboxRelay(() => ({ drain: () => Promise.reject(new Error('boom')) }), 50),
    ).resolves.toBeUndefined();

    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      'outbox relay could not start',
      'outbox relay failed',
    ]);
    warn.mockRestore();
  });
});
