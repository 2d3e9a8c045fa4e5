// PostgreSQL, Redis, S3, Kinesis, SNS and SES for the test suite: reused from the environment when the caller (CI,
// scripts/test/run-all.ts, a developer) already runs them, started here otherwise.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startKinesalite } from './kinesalite';
import { findFreePort } from './ports';
import { startEmbeddedPostgres } from './postgres';
import { findRedisServer, pingUrl, startRedisServer } from './redis';
import { startS3 } from './s3';
import { startSesLocal } from './ses-local';
import { startSnsLocal } from './sns-local';
import type { Supervisor } from './supervisor';

/** The environment variables through which backing services are handed to child processes. */
export const BACKING_ENV = {
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  redisServerBin: 'REDIS_SERVER_BIN',
  s3Endpoint: 'S3_ENDPOINT',
  assetsBucket: 'ASSETS_BUCKET',
  kinesisEndpoint: 'KINESIS_ENDPOINT',
  snsEndpoint: 'SNS_ENDPOINT',
  sesEndpoint: 'SES_ENDPOINT',
} as const;

export interface BackingServices {
  /** A server URL; tests create their own databases on it. */
  databaseUrl: string;
  redisUrl: string;
  /** So a test can start (and stop) a private Redis, e.g. to see reads survive Redis going down. */
  redisServerBin: string;
  s3Endpoint: string;
  assetsBucket: string;
  /** kinesalite; each integration project creates its own streams on it. */
  kinesisEndpoint: string;
  /** serverless-offline-sns's SNS server; tests create their own topics on it. */
  snsEndpoint: string;
  /** aws-ses-v2-local; sent mail at `<endpoint>/store`. */
  sesEndpoint: string;
}

const TEST_BUCKET = 'shop-assets-test';

/**
 * Reuses the services named in `env`, starts the others under `dir`. Redis is mandatory here:
 * integration tests assert cache behaviour, so running them without Redis would prove nothing.
 */
export async function startBackingServices(
  dir: string,
  supervisor: Supervisor,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackingServices> {
  mkdirSync(dir, { recursive: true });
  // mkdtemp folders are 0700; as root, PostgreSQL runs as the postgres user and must traverse it.
  chmodSync(dir, 0o755);
  const log = (message: string) => supervisor.log('test-services', message);

  const databaseUrl =
    env[BACKING_ENV.databaseUrl] ||
    (
      await startEmbeddedPostgres({
        dataDir: join(dir, 'postgres'),
        port: await findFreePort(),
        supervisor,
        durable: false,
      })
    ).url('postgres');

  const redisServerBin = env[BACKING_ENV.redisServerBin] || findRedisServer({ allowInstall: true, log });
  if (!redisServerBin) {
    throw new Error(
      'Integration tests need Redis, and none could be found or installed: install the Debian package ' +
        'redis-server (apt-get install redis-server) or put redis-server on PATH, then run the tests again.',
    );
  }
  let redisUrl = env[BACKING_ENV.redisUrl];
  if (redisUrl) {
    if (!(await pingUrl(redisUrl))) throw new Error(`REDIS_URL=${redisUrl} does not answer PING`);
  } else {
    const port = await findFreePort();
    redisUrl = (await startRedisServer({ bin: redisServerBin, port, dir: join(dir, 'redis'), supervisor }))
      .url;
  }

  const assetsBucket = env[BACKING_ENV.assetsBucket] || TEST_BUCKET;
  let s3Endpoint = env[BACKING_ENV.s3Endpoint];
  if (s3Endpoint) {
    await ensureBucket(s3Endpoint, assetsBucket);
  } else {
    const port = await findFreePort();
    s3Endpoint = (await startS3({ port, dir: join(dir, 's3'), bucket: assetsBucket, supervisor })).endpoint;
  }

  const kinesisEndpoint =
    env[BACKING_ENV.kinesisEndpoint] ||
    // Every project and many tests make streams of their own: far more shards than AWS's default.
    (await startKinesalite({ port: await findFreePort(), supervisor, shardLimit: 10_000 })).endpoint;

  const snsEndpoint =
    env[BACKING_ENV.snsEndpoint] ||
    (await startSnsLocal({ port: await findFreePort(), supervisor })).endpoint;
  const sesEndpoint =
    env[BACKING_ENV.sesEndpoint] ||
    (await startSesLocal({ port: await findFreePort(), supervisor })).endpoint;

  return {
    databaseUrl,
    redisUrl,
    redisServerBin,
    s3Endpoint,
    assetsBucket,
    kinesisEndpoint,
    snsEndpoint,
    sesEndpoint,
  };
}

/** The services as environment variables, for child processes and later global setups. */
export function backingEnv(services: BackingServices): Record<string, string> {
  return Object.fromEntries(
    Object.entries(BACKING_ENV).map(([key, variable]) => [variable, services[key as keyof BackingServices]]),
  );
}

async function ensureBucket(endpoint: string, bucket: string): Promise<void> {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  } finally {
    client.destroy();
  }
}
