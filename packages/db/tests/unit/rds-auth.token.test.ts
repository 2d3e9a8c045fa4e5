import { Signer } from '@aws-sdk/rds-signer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { iamAuthPassword } from '../../src/connection';
import { type AwsCredentials, createRdsAuthToken, credentialsFromEnv } from '../../src/rds-auth.token';

// AWS's documentation example keys: fixed, so both signers must produce the same bytes.
const temporary: AwsCredentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with=odd+chars',
};
const longTerm: AwsCredentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: temporary.secretAccessKey,
};

const sdkToken = (
  target: { hostname: string; port: number; username: string; region: string },
  credentials: AwsCredentials,
) => new Signer({ ...target, credentials }).getAuthToken();

const reader = {
  hostname: 'shop.cluster-ro-c0abcdefghij.eu-west-1.rds.amazonaws.com',
  port: 5432,
  username: 'catalog',
  region: 'eu-west-1',
};

describe('createRdsAuthToken', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-03-04T05:06:07.890Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['temporary credentials (as on Lambda)', reader, temporary],
    ['long-term credentials (no session token)', reader, longTerm],
    [
      'a user name and port that need escaping and a different region',
      {
        hostname: 'writer.cluster.example.com',
        port: 6543,
        username: "app user+1!'()*",
        region: 'us-east-1',
      },
      temporary,
    ],
  ])('matches @aws-sdk/rds-signer byte for byte for %s', async (_case, target, credentials) => {
    // Prepare
    const expected = await sdkToken(target, credentials);

    // Act
    const token = createRdsAuthToken({ ...target, credentials });

    // Assess
    expect(token).toBe(expected);
  });

  it('matches at another instant, so the clock is really part of the signature', async () => {
    // Prepare
    const before = createRdsAuthToken({ ...reader, credentials: temporary });
    vi.setSystemTime(new Date('2025-12-31T23:59:59.999Z'));
    const expected = await sdkToken(reader, temporary);

    // Act
    const token = createRdsAuthToken({ ...reader, credentials: temporary });

    // Assess
    expect(token).toBe(expected);
    expect(token).not.toBe(before);
  });

  it('lists the parameters in the order the SDK writes them', () => {
    // Act
    const token = createRdsAuthToken({ ...reader, credentials: temporary });

    // Assess
    const [hostAndPath, query] = token.split('?');
    expect(hostAndPath).toBe(`${reader.hostname}:5432/`);
    expect(query?.split('&').map((pair) => pair.split('=')[0])).toEqual([
      'Action',
      'DBUser',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-Security-Token',
      'X-Amz-Signature',
      'X-Amz-SignedHeaders',
    ]);
    expect(query).toContain(
      'X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20250304%2Feu-west-1%2Frds-db%2Faws4_request',
    );
    expect(query).toContain('X-Amz-Date=20250304T050607Z');
    expect(query).toContain('X-Amz-Expires=900');
  });
});

describe('credentialsFromEnv', () => {
  it('reads the function role credentials the Lambda runtime sets', () => {
    // Act
    const credentials = credentialsFromEnv({
      AWS_ACCESS_KEY_ID: 'ASIA1',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });

    // Assess
    expect(credentials).toEqual({ accessKeyId: 'ASIA1', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('leaves the session token out when there is none', () => {
    // Act
    const credentials = credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'secret' });

    // Assess
    expect(credentials).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 'secret' });
  });

  it.each([
    ['no access key id', { AWS_SECRET_ACCESS_KEY: 'secret' }],
    ['no secret key', { AWS_ACCESS_KEY_ID: 'AKIA1' }],
    ['empty values', { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }],
  ])('fails fast with %s', (_case, env) => {
    expect(() => credentialsFromEnv(env)).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});

describe('iamAuthPassword', () => {
  const config = {
    host: reader.hostname,
    port: reader.port,
    database: 'shop',
    user: reader.username,
    region: reader.region,
  };

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-03-04T05:06:07.890Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives pg the token the SDK signer would, from the environment credentials', async () => {
    // Prepare
    const env = {
      AWS_ACCESS_KEY_ID: temporary.accessKeyId,
      AWS_SECRET_ACCESS_KEY: temporary.secretAccessKey,
      AWS_SESSION_TOKEN: temporary.sessionToken,
    };
    const password = iamAuthPassword(config, env);

    // Act
    const token = await password();

    // Assess
    expect(token).toBe(await sdkToken(reader, temporary));
  });

  it('rejects, so pg reports a failed connect, when the environment has no credentials', async () => {
    // Prepare
    const password = iamAuthPassword(config, {});

    // Act
    const attempt = password();

    // Assess
    await expect(attempt).rejects.toThrow(/IAM database authentication needs/);
  });
});
