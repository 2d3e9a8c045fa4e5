import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { createElastiCacheAuthToken } from '../../src/elasticache-auth.token';
import { redisLogin } from '../../src/redis';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+=',
};
const env = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_SESSION_TOKEN: credentials.sessionToken,
};

describe('redisLogin', () => {
  test('leaves a local URL as it is, with no token (npm start, REDIS_URL=redis://127.0.0.1:port)', () => {
    expect(redisLogin('redis://127.0.0.1:6390', {})).toEqual({ url: 'redis://127.0.0.1:6390' });
  });

  test('logs in with IAM as the URL user, the iam parameter dropped from the URL', () => {
    const login = redisLogin('rediss://shop-dev-app@cache.example:6379/?iam=shop-dev-cache', env);

    expect(login.url).toBe('rediss://shop-dev-app@cache.example:6379/');
    expect(login.signToken?.()).toMatch(
      /^shop-dev-cache\/\?Action=connect&User=shop-dev-app&X-Amz-Algorithm=AWS4-HMAC-SHA256&/,
    );
  });

  test('fails fast on a password next to iam, and without credentials or region', () => {
    expect(() => redisLogin('rediss://u:secret@h:6379/?iam=c', env)).toThrow(/no password/);
    expect(() => redisLogin('rediss://h:6379/?iam=c', env)).toThrow(/user name/);
    expect(() => redisLogin('rediss://u@h:6379/?iam=c', { AWS_REGION: 'eu-west-1' })).toThrow(/credentials/);
  });
});

/** node:crypto behind the SDK's Checksum interface (SHA-256, or HMAC-SHA-256 with a secret). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {}
}

describe('createElastiCacheAuthToken', () => {
  test("equals the AWS SDK's SigV4 presign of GET http://<cache>/?Action=connect&User=<user>", async () => {
    // The SDK's own signer, through a package the workspace already installs.
    const require = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-s3'));
    const { SignatureV4 } = require('@smithy/signature-v4') as {
      SignatureV4: new (
        options: object,
      ) => { presign: (request: object, options: object) => Promise<{ query?: Record<string, unknown> }> };
    };
    const now = new Date('2026-12-02T10:11:12.000Z');
    const signer = new SignatureV4({
      service: 'elasticache',
      region: 'eu-west-1',
      credentials,
      sha256: Sha256,
    });
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: 'shop-dev-cache',
        path: '/',
        query: { Action: 'connect', User: 'shop-dev-app' },
        headers: { host: 'shop-dev-cache' },
      },
      { expiresIn: 900, signingDate: now },
    );
    const query = Object.entries(presigned.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .sort()
      .join('&');
    const token = createElastiCacheAuthToken({
      cacheName: 'shop-dev-cache',
      userId: 'shop-dev-app',
      region: 'eu-west-1',
      credentials,
      now,
    });
    const ours = token.slice('shop-dev-cache/?'.length).split('&').sort().join('&');

    expect(ours).toBe(query);
  });
});
