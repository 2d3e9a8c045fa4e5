import { ConfigError } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { loadCatalogCacheConfig, loadOrdersConfig } from '../../src/config';

// The per-customer limits every stage sets (packages/serverless-config/params.yml).
const LIMITS = {
  CUSTOMER_MAX_ORDER_WRITES: '10',
  CUSTOMER_LIMIT_WINDOW_SECONDS: '60',
  CUSTOMER_MAX_OPEN_ORDERS: '5',
};

describe('orders config', () => {
  it('uses the database URL locally', () => {
    const config = loadOrdersConfig({
      AWS_REGION: 'us-east-1',
      DATABASE_URL: 'postgres://localhost/shop',
      ...LIMITS,
    });
    expect(config.writer).toEqual({ url: 'postgres://localhost/shop' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the per-customer limits as numbers', () => {
    const config = loadOrdersConfig({
      AWS_REGION: 'us-east-1',
      DATABASE_URL: 'postgres://x/shop',
      ...LIMITS,
    });
    expect(config.limits).toEqual({ maxWritesPerWindow: 10, windowSeconds: 60, maxOpenOrders: 5 });
  });

  it('fails fast on a missing, zero or fractional limit', () => {
    const base = { AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://x/shop' };
    expect(() => loadOrdersConfig({ ...base, ...LIMITS, CUSTOMER_MAX_OPEN_ORDERS: undefined })).toThrow(
      /CUSTOMER_MAX_OPEN_ORDERS/,
    );
    expect(() => loadOrdersConfig({ ...base, ...LIMITS, CUSTOMER_MAX_ORDER_WRITES: '0' })).toThrow(
      /CUSTOMER_MAX_ORDER_WRITES/,
    );
    expect(() => loadOrdersConfig({ ...base, ...LIMITS, CUSTOMER_LIMIT_WINDOW_SECONDS: '1.5' })).toThrow(
      /CUSTOMER_LIMIT_WINDOW_SECONDS/,
    );
  });

  it('uses the Aurora writer with IAM auth on AWS', () => {
    const config = loadOrdersConfig({
      AWS_REGION: 'eu-west-1',
      DATABASE_HOST: 'writer.example',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'shop',
      DATABASE_USER: 'orders',
      ...LIMITS,
    });
    expect(config.writer).toEqual({
      host: 'writer.example',
      port: 5432,
      database: 'shop',
      user: 'orders',
      region: 'eu-west-1',
    });
  });

  it('fails fast without a region', () => {
    expect(() => loadOrdersConfig({ DATABASE_URL: 'postgres://localhost/shop', ...LIMITS })).toThrow(
      /AWS_REGION is missing/,
    );
  });

  it('names every missing database variable at once', () => {
    try {
      loadOrdersConfig({ AWS_REGION: 'us-east-1', DATABASE_HOST: 'writer.example', ...LIMITS });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variables).toEqual(
        expect.arrayContaining(['DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER']),
      );
    }
  });
});

describe('catalog cache config (place and cancel only)', () => {
  it('reads the catalog Redis, or none when it is off', () => {
    expect(loadCatalogCacheConfig({ REDIS_URL: 'rediss://cache.example:6379' }).redisUrl).toBe(
      'rediss://cache.example:6379',
    );
    expect(loadCatalogCacheConfig({ REDIS_URL: 'off' }).redisUrl).toBeNull();
  });

  it('fails fast without REDIS_URL or with something else than a Redis URL', () => {
    expect(() => loadCatalogCacheConfig({})).toThrow(/REDIS_URL/);
    expect(() => loadCatalogCacheConfig({ REDIS_URL: 'http://cache.example' })).toThrow(/REDIS_URL/);
  });
});
