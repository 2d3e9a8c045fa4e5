import { ConfigError } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { loadCatalogCacheConfig, loadOrdersConfig } from '../../src/config';

describe('orders config', () => {
  it('uses the database URL locally', () => {
    const config = loadOrdersConfig({ AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://localhost/shop' });
    expect(config.writer).toEqual({ url: 'postgres://localhost/shop' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses the Aurora writer with IAM auth on AWS', () => {
    const config = loadOrdersConfig({
      AWS_REGION: 'eu-west-1',
      DATABASE_HOST: 'writer.example',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'shop',
      DATABASE_USER: 'orders',
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
    expect(() => loadOrdersConfig({ DATABASE_URL: 'postgres://localhost/shop' })).toThrow(
      /AWS_REGION is missing/,
    );
  });

  it('names every missing database variable at once', () => {
    try {
      loadOrdersConfig({ AWS_REGION: 'us-east-1', DATABASE_HOST: 'writer.example' });
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
