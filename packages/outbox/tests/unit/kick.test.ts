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
    const relay: OutboxRelay = { drain: () => new Promise<DrainResult>(() => undefined) };
    const started = Date.now();

    await kickOutboxRelay(() => relay, 50);

    expect(Date.now() - started).toBeLessThan(500);
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
