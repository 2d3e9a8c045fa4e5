import { describe, expect, test } from 'vitest';
import { StopWaiting, waitUntil, withinTimeout } from '../../scripts/lib/wait';

describe('waitUntil', () => {
  test('keeps polling through ordinary errors until the check passes', async () => {
    let calls = 0;

    await waitUntil(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection refused');
        return true;
      },
      { timeoutMs: 2_000, intervalMs: 1, what: 'a flaky check' },
    );

    expect(calls).toBe(3);
  });

  test('gives up at once on StopWaiting: the check is not called again', async () => {
    let calls = 0;

    // Were StopWaiting an ordinary error, the second call would pass and the wait would resolve.
    const wait = waitUntil(
      async () => {
        calls += 1;
        if (calls === 1) throw new StopWaiting('the process died');
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 1, what: 'a dead process' },
    );

    await expect(wait).rejects.toThrow('the process died');
    expect(calls).toBe(1);
  });

  test('names what it waited for when it times out', async () => {
    const wait = waitUntil(async () => false, { timeoutMs: 50, intervalMs: 10, what: 'port 1234' });

    await expect(wait).rejects.toThrow(/timed out after 50 ms waiting for port 1234/);
  });
});

describe('withinTimeout', () => {
  test('reports whether the promise settled in time', async () => {
    expect(await withinTimeout(Promise.resolve(), 1_000)).toBe('done');
    expect(await withinTimeout(new Promise(() => {}), 20)).toBe('timeout');
  });
});
