import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config';
import { dynamoDbClientConfig, idempotencyStoreFromEnv } from '../../src/idempotency.store';

describe('idempotencyStoreFromEnv', () => {
  it('throws a ConfigError naming IDEMPOTENCY_TABLE when it is missing', () => {
    // Act
    const read = () => idempotencyStoreFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567' });

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow('IDEMPOTENCY_TABLE is missing');
  });

  it('rejects a DYNAMODB_ENDPOINT that is not a URL', () => {
    expect(() => idempotencyStoreFromEnv({ IDEMPOTENCY_TABLE: 't', DYNAMODB_ENDPOINT: 'localhost' })).toThrow(
      'DYNAMODB_ENDPOINT is invalid',
    );
  });

  it('uses the table named by IDEMPOTENCY_TABLE', () => {
    const store = idempotencyStoreFromEnv({ IDEMPOTENCY_TABLE: 'shop-orders-dev-idempotency' });

    expect((store as unknown as { tableName: string }).tableName).toBe('shop-orders-dev-idempotency');
  });
});

describe('dynamoDbClientConfig', () => {
  it('leaves everything to the SDK on AWS', () => {
    expect(dynamoDbClientConfig(undefined, { AWS_REGION: 'eu-west-1' })).toEqual({});
  });

  it('points at a local endpoint, with a region and dummy credentials when the environment has none', () => {
    expect(dynamoDbClientConfig('http://127.0.0.1:4567', {})).toEqual({
      endpoint: 'http://127.0.0.1:4567',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('keeps the region and credentials the environment has', () => {
    expect(
      dynamoDbClientConfig('http://127.0.0.1:4567', { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIA' }),
    ).toEqual({ endpoint: 'http://127.0.0.1:4567' });
  });
});
