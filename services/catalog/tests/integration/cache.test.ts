// Cache-aside behaviour against a real Redis: what is cached, what a write invalidates, and that
// reads keep working (from the database) while Redis is gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Product } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ADMIN, createHarness, type Harness, newProductBody, resetCatalog } from '../support/harness';

const harness = createHarness();
const h = harness.handlers;

afterAll(() => harness.close());
beforeEach(() => resetCatalog(harness));

const create = async (target: Harness = harness, overrides: Record<string, unknown> = {}) =>
  (
    await invoke<Product>(target.handlers.create, {
      method: 'POST',
      path: '/products',
      body: newProductBody(overrides),
      claims: ADMIN,
    })
  ).body;
const get = (id: string, target: Harness = harness) =>
  invoke<Product>(target.handlers.get, { method: 'GET', path: `/products/${id}`, pathParameters: { id } });
const list = (query: Record<string, string> = {}) =>
  invoke<{ items: Product[]; nextCursor: string | null }>(h.list, {
    method: 'GET',
    path: '/products',
    query,
  });

describe('product cache', () => {
  it('serves a repeated read from Redis without touching the database', async () => {
    const product = await create();
    await harness.redis.del(`catalog:product:${product.id}`);
    const before = harness.readerQueries();
    await get(product.id);
    await get(product.id);
    await get(product.id);
    expect(harness.readerQueries() - before).toBe(1);
    expect(await harness.redis.get(`catalog:product:${product.id}`)).toMatch(/^1\n\{/);
  });

  it('shows a write to the very next read (PATCH, stock adjustment, archive)', async () => {
    const product = await create(harness, { stock: 5 });
    await get(product.id);
    await list();

    await invoke(h.update, {
      method: 'PATCH',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      body: { name: 'Renamed' },
      claims: ADMIN,
    });
    expect((await get(product.id)).body.name).toBe('Renamed');
    expect((await list()).body.items[0]!.name).toBe('Renamed');

    await invoke(h.adjustStock, {
      method: 'POST',
      path: `/products/${product.id}/stock-adjustments`,
      pathParameters: { id: product.id },
      body: { delta: -2, reason: 'damage' },
      claims: ADMIN,
    });
    expect((await get(product.id)).body.stock).toBe(3);
    expect((await list()).body.items[0]!.stock).toBe(3);

    await invoke(h.archive, {
      method: 'DELETE',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      claims: ADMIN,
    });
    expect((await get(product.id)).statusCode).toBe(404);
    expect((await list()).body.items).toEqual([]);
  });

  it('shows a new product in the cached first page at once', async () => {
    await create();
    expect((await list()).body.items).toHaveLength(1);
    await create();
    expect((await list()).body.items).toHaveLength(2);
  });

  it('never lets a reader that loaded an older version overwrite a newer cached one', async () => {
    const product = await create();
    const patched = await invoke<Product>(h.update, {
      method: 'PATCH',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      body: { name: 'Version two' },
      claims: ADMIN,
    });
    // A slow reader (or a lagging replica) arrives late with version 1.
    await harness.service.getProduct(product.id, { isAdmin: false });
    const stale = { ...product, name: 'Stale' };
    const cache = (await import('../../src/dependencies')).createProductCache(inject('redisUrl'));
    await cache.putProduct(stale);
    expect(patched.body.version).toBe(2);
    expect((await get(product.id)).body.name).toBe('Version two');
  });

  it('issues one database query for 100 concurrent reads of a cold key', async () => {
    const product = await create();
    await harness.redis.del(`catalog:product:${product.id}`);
    const before = harness.readerQueries();
    const results = await Promise.all(Array.from({ length: 100 }, () => get(product.id)));
    expect(results.every((r) => r.statusCode === 200 && r.body.id === product.id)).toBe(true);
    expect(harness.readerQueries() - before).toBe(1);
  });
});

describe('when Redis goes away', () => {
  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });

  const startRedis = async (port: number): Promise<ChildProcess> => {
    const child = spawn(
      inject('redisServerBin'),
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'yes',
      ],
      {
        stdio: 'ignore',
      },
    );
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const probe = new Redis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      const up = await probe.connect().then(
        () => probe.ping().then(() => true),
        () => false,
      );
      probe.disconnect();
      if (up) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return child;
  };

  const stop = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  it('keeps answering reads from the database, and uses the cache again once Redis is back', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const isolated = createHarness({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      const product = await create(isolated);
      expect((await get(product.id, isolated)).statusCode).toBe(200);

      await stop(redis);
      const queriesBefore = isolated.readerQueries();
      for (let i = 0; i < 3; i += 1) {
        const res = await get(product.id, isolated);
        expect(res.statusCode).toBe(200);
        expect(res.body.id).toBe(product.id);
      }
      const listed = await invoke<{ items: Product[] }>(isolated.handlers.list, {
        method: 'GET',
        path: '/products',
      });
      expect(listed.statusCode).toBe(200);
      expect(listed.body.items.map((p) => p.id)).toContain(product.id);
      expect(isolated.readerQueries() - queriesBefore).toBe(4);

      // Writes still succeed while the cache is down.
      const renamed = await invoke<Product>(isolated.handlers.update, {
        method: 'PATCH',
        path: `/products/${product.id}`,
        pathParameters: { id: product.id },
        body: { name: 'Written while Redis was down' },
        claims: ADMIN,
      });
      expect(renamed.statusCode).toBe(200);

      redis = await startRedis(port);
      let cachedAgain = false;
      for (let attempt = 0; attempt < 40 && !cachedAgain; attempt += 1) {
        const res = await get(product.id, isolated);
        expect(res.body.name).toBe('Written while Redis was down');
        const before = isolated.readerQueries();
        await get(product.id, isolated);
        cachedAgain = isolated.readerQueries() === before;
        if (!cachedAgain) await new Promise((r) => setTimeout(r, 100));
      }
      expect(cachedAgain).toBe(true);
    } finally {
      await stop(redis);
      await isolated.close();
    }
  });
});

describe('when Redis is slow', () => {
  it('gives up on the cache after the command timeout and answers from the database', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const redis = spawn(
      inject('redisServerBin'),
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--enable-debug-command', 'yes'],
      {
        stdio: 'ignore',
      },
    );
    const admin = new Redis(port, '127.0.0.1', { retryStrategy: () => 25 });
    admin.on('error', () => {});
    await admin.ping();
    const isolated = createHarness({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      const product = await create(isolated);
      await get(product.id, isolated);
      const before = isolated.readerQueries();
      // Freeze Redis for 1.5 s; the catalog must not wait for it.
      const frozen = admin.call('DEBUG', 'SLEEP', '1.5');
      await new Promise((r) => setTimeout(r, 20));
      const res = await get(product.id, isolated);
      expect(res.statusCode).toBe(200);
      expect(res.body.id).toBe(product.id);
      expect(isolated.readerQueries() - before).toBe(1);
      await frozen;
    } finally {
      admin.disconnect();
      redis.kill('SIGKILL');
      await isolated.close();
    }
  });
});

describe('pagination', () => {
  it('returns every product exactly once while products are being inserted', async () => {
    const existing: string[] = [];
    for (let i = 0; i < 45; i += 1) existing.push((await create()).id);

    let inserting = true;
    const inserter = (async () => {
      let inserted = 0;
      while (inserting && inserted < 200) {
        await create();
        inserted += 1;
      }
      return inserted;
    })();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { limit: '7', ...(cursor ? { cursor } : {}) };
      const page = await list(query);
      expect(page.statusCode).toBe(200);
      seen.push(...page.body.items.map((p) => p.id));
      cursor = page.body.nextCursor;
      await new Promise((r) => setTimeout(r, 5));
    } while (cursor);
    inserting = false;
    const inserted = await inserter;

    expect(inserted).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of existing) expect(seen.filter((s) => s === id)).toHaveLength(1);
  });
});
