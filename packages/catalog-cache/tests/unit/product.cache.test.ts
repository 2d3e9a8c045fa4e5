// The cache's commands without a Redis: a fake client records what each method sends.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisProductCache, disabledProductCache, LIST_GENERATION_KEY, PRODUCT_KEY } from '../../src';

const fakeRedis = (failWith?: Error) => {
  const pipelines: unknown[][][] = [];
  const redis = {
    defineCommand: () => undefined,
    pipeline: () => {
      const commands: unknown[][] = [];
      pipelines.push(commands);
      return {
        setIfNotOlder: (...args: unknown[]) => commands.push(['setIfNotOlder', ...args]),
        incr: (...args: unknown[]) => commands.push(['incr', ...args]),
        exec: async () => commands.map(() => [failWith ?? null, 1]),
      };
    },
  };
  return { redis: redis as unknown as Redis, pipelines };
};

const options = (errors: unknown[][]) => ({
  productTtlSeconds: 300,
  listTtlSeconds: 60,
  onError: (operation: string, error: unknown) => errors.push([operation, error]),
});

describe('invalidateProducts', () => {
  it('tombstones every product with its new version and starts a new list generation, in one pipeline', async () => {
    const { redis, pipelines } = fakeRedis();
    const errors: unknown[][] = [];
    await createRedisProductCache(redis, options(errors)).invalidateProducts([
      { id: 'a', version: 3 },
      { id: 'b', version: 7 },
    ]);
    expect(pipelines).toEqual([
      [
        ['setIfNotOlder', PRODUCT_KEY('a'), 3, '', 300],
        ['setIfNotOlder', PRODUCT_KEY('b'), 7, '', 300],
        ['incr', LIST_GENERATION_KEY],
      ],
    ]);
    expect(errors).toEqual([]);
  });

  it('sends nothing when no product changed', async () => {
    const { redis, pipelines } = fakeRedis();
    await createRedisProductCache(redis, options([])).invalidateProducts([]);
    expect(pipelines).toEqual([]);
  });

  it('reports a failure through onError instead of throwing', async () => {
    const failure = new Error('Command timed out');
    const { redis } = fakeRedis(failure);
    const errors: unknown[][] = [];
    await expect(
      createRedisProductCache(redis, options(errors)).invalidateProducts([{ id: 'a', version: 2 }]),
    ).resolves.toBeUndefined();
    expect(errors).toEqual([['invalidateProducts', failure]]);
  });

  it('is a no-op when the cache is off', async () => {
    await expect(disabledProductCache.invalidateProducts([{ id: 'a', version: 2 }])).resolves.toBeUndefined();
  });
});
