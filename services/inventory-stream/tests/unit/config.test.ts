import { ConfigError } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { loadInventoryStreamConfig } from '../../src/config';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:shop-dev-stock-alerts';

describe('inventory-stream config', () => {
  it('reads the local database URL, the SNS stand-in and the Redis URL', () => {
    const config = loadInventoryStreamConfig({
      AWS_REGION: 'us-east-1',
      DATABASE_URL: 'postgres://localhost/shop',
      STOCK_ALERTS_TOPIC_ARN: TOPIC,
      SNS_ENDPOINT: 'http://127.0.0.1:4002',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config).toEqual({
      database: { url: 'postgres://localhost/shop' },
      region: 'us-east-1',
      stockAlertsTopicArn: TOPIC,
      snsEndpoint: 'http://127.0.0.1:4002',
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses the Aurora writer with IAM auth and the regional SNS endpoint on AWS; the cache may be off', () => {
    const config = loadInventoryStreamConfig({
      AWS_REGION: 'eu-west-1',
      DATABASE_HOST: 'writer.example',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'shop',
      DATABASE_USER: 'inventory',
      STOCK_ALERTS_TOPIC_ARN: TOPIC,
      REDIS_URL: 'off',
    });
    expect(config.database).toEqual({
      host: 'writer.example',
      port: 5432,
      database: 'shop',
      user: 'inventory',
      region: 'eu-west-1',
    });
    expect(config.snsEndpoint).toBeNull();
    expect(config.redisUrl).toBeNull();
  });

  it('fails fast, naming every missing variable at once', () => {
    const variablesMissingFrom = (env: Record<string, string>) => {
      try {
        loadInventoryStreamConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return [...(error as ConfigError).variables].sort();
      }
      return expect.fail('should have thrown');
    };
    expect(variablesMissingFrom({ DATABASE_URL: 'postgres://localhost/shop' })).toEqual([
      'AWS_REGION',
      'REDIS_URL',
      'STOCK_ALERTS_TOPIC_ARN',
    ]);
    expect(
      variablesMissingFrom({
        AWS_REGION: 'us-east-1',
        DATABASE_HOST: 'writer.example',
        STOCK_ALERTS_TOPIC_ARN: TOPIC,
        REDIS_URL: 'off',
      }),
    ).toEqual(['DATABASE_NAME', 'DATABASE_PORT', 'DATABASE_USER']);
  });

  it('refuses a topic that is not an SNS ARN and a cache that is not Redis', () => {
    const env = { AWS_REGION: 'us-east-1', DATABASE_URL: 'postgres://localhost/shop' };
    expect(() =>
      loadInventoryStreamConfig({ ...env, STOCK_ALERTS_TOPIC_ARN: 'stock-alerts', REDIS_URL: 'off' }),
    ).toThrow(/STOCK_ALERTS_TOPIC_ARN is invalid/);
    expect(() =>
      loadInventoryStreamConfig({ ...env, STOCK_ALERTS_TOPIC_ARN: TOPIC, REDIS_URL: 'http://cache.example' }),
    ).toThrow(/REDIS_URL is invalid/);
  });
});
