import { describe, expect, it } from 'vitest';
import { forEachWithLimit } from '../../src/concurrency';

describe('forEachWithLimit', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachWithLimit([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      done.push(item);
      running -= 1;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('does nothing for no items', async () => {
    await expect(forEachWithLimit([], 4, async () => expect.fail('no work'))).resolves.toBeUndefined();
  });
});
