import { ConfigError } from '@shop/lambda-kit';
import { describe, expect, it } from 'vitest';
import { loadCatalogConfig } from '../../src/config';

const local = {
  AWS_REGION: 'us-east-1',
  DATABASE_URL: 'postgres://localhost/shop',
  DATABASE_READER_URL: 'postgres://localhost/shop',
  REDIS_URL: 'redis://localhost:6379',
  ASSETS_BUCKET: 'assets',
  ASSETS_PUBLIC_URL: 'http://localhost:4569/assets/',
  S3_ENDPOINT: 'http://localhost:4569',
};

const aws = {
  AWS_REGION: 'eu-west-1',
  DATABASE_HOST: 'writer.example',
  DATABASE_READER_HOST: 'reader.example',
  DATABASE_PORT: '5432',
  DATABASE_NAME: 'shop',
  DATABASE_USER: 'catalog',
  REDIS_URL: 'rediss://cache.example:6379',
  ASSETS_BUCKET: 'assets',
  ASSETS_PUBLIC_URL: 'https://cdn.example',
};

describe('catalog config', () => {
  it('uses database URLs locally', () => {
    const config = loadCatalogConfig(local);
    expect(config.writer).toEqual({ url: local.DATABASE_URL });
    expect(config.assetsPublicUrl).toBe('http://localhost:4569/assets');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses the Aurora endpoints with IAM auth on AWS', () => {
    const config = loadCatalogConfig(aws);
    expect(config.reader).toEqual({
      host: 'reader.example',
      port: 5432,
      database: 'shop',
      user: 'catalog',
      region: 'eu-west-1',
    });
    expect(config.s3Endpoint).toBeUndefined();
  });

  it('turns the cache off only when told to', () => {
    expect(loadCatalogConfig({ ...local, REDIS_URL: 'off' }).redisUrl).toBeNull();
  });

  it.each([
    ['REDIS_URL', { ...local, REDIS_URL: undefined }],
    ['REDIS_URL', { ...local, REDIS_URL: 'http://not-redis' }],
    ['DATABASE_READER_URL', { ...local, DATABASE_READER_URL: undefined }],
    ['DATABASE_PORT', { ...aws, DATABASE_PORT: undefined }],
    ['ASSETS_BUCKET', { ...aws, ASSETS_BUCKET: undefined }],
  ])('fails fast naming %s when it is missing or invalid', (variable, env) => {
    expect(() => loadCatalogConfig(env)).toThrow(ConfigError);
    expect(() => loadCatalogConfig(env)).toThrow(variable);
  });
});
