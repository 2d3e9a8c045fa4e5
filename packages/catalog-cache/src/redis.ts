import { Redis, type RedisOptions } from 'ioredis';
import { createElastiCacheAuthToken } from './elasticache-auth.token';
import {
  createRedisProductCache,
  disabledProductCache,
  LIST_TTL_SECONDS,
  PRODUCT_TTL_SECONDS,
  type ProductCache,
} from './product.cache';

/** Redis answers in well under a millisecond; slower than this it is treated as down. */
export const CACHE_TIMEOUT_MS = 50;

type Env = Readonly<Record<string, string | undefined>>;

/** Where and how to log in: the URL without the `iam` parameter, and a token signer for IAM auth. */
export interface RedisLogin {
  readonly url: string;
  /** Set for IAM authentication (`?iam=<replication group>`): a fresh password per connection. */
  readonly signToken?: () => string;
}

/**
 * Reads REDIS_URL. `redis://127.0.0.1:6379` (local) and any URL with a password log in as written.
 * `rediss://<user>@<host>:6379/?iam=<replication group>` (AWS, params.yml redisUrl) logs in as
 * <user> with an ElastiCache IAM token signed from the function role's credentials; it fails fast
 * when the URL carries a password too or the environment has no credentials or region.
 */
export const redisLogin = (redisUrl: string, env: Env = process.env): RedisLogin => {
  const url = new URL(redisUrl);
  const cacheName = url.searchParams.get('iam');
  if (cacheName === null) return { url: redisUrl };
  const userId = decodeURIComponent(url.username);
  if (cacheName === '' || userId === '' || url.password !== '') {
    throw new Error('REDIS_URL with ?iam=<replication group> needs a user name and no password');
  }
  const region = env.AWS_REGION;
  if (!region || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new Error('Redis IAM authentication needs AWS_REGION and the role credentials in the environment');
  }
  url.search = '';
  return {
    url: url.toString(),
    // Read on every call: the runtime's credentials are what the SDK's env provider would return.
    signToken: () =>
      createElastiCacheAuthToken({
        cacheName,
        userId,
        region,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
          sessionToken: env.AWS_SESSION_TOKEN,
        },
      }),
  };
};

/**
 * The ioredis client every user of the catalog cache connects with: a command fails after
 * CACHE_TIMEOUT_MS instead of queueing while Redis is down or slow, and the client keeps
 * reconnecting in the background. With IAM authentication every connection (the first and each
 * reconnection, e.g. when ElastiCache ends an IAM session after 12 hours) gets a fresh token.
 */
export const createCacheRedis = (redisUrl: string, env: Env = process.env): Redis => {
  const login = redisLogin(redisUrl, env);
  const options: RedisOptions = {
    commandTimeout: CACHE_TIMEOUT_MS,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    // Keep trying to reconnect in the background, at most once a second.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    // The ready check runs INFO, which the cache's Redis user may not (resources/redis.yml).
    enableReadyCheck: false,
    ...(login.signToken ? { password: login.signToken() } : {}),
  };
  const redis = new Redis(login.url, options);
  const { signToken } = login;
  if (signToken) {
    // ioredis reads options.password at every connect(); 'reconnecting' comes just before one.
    redis.on('reconnecting', () => {
      redis.options.password = signToken();
    });
  }
  redis.on('error', () => {
    // Connection errors surface on each command (and are reported there); this only stops the
    // client from crashing the process with an unhandled 'error' event.
  });
  return redis;
};

/**
 * The catalog cache at `redisUrl` (null: Redis is off, every read misses and every write is a
 * no-op) with the shared TTLs. Failures never throw: they go to `onError` and count as misses.
 */
export const createProductCache = (
  redisUrl: string | null,
  onError: (operation: string, error: unknown) => void,
): ProductCache =>
  redisUrl === null
    ? disabledProductCache
    : createRedisProductCache(createCacheRedis(redisUrl), {
        productTtlSeconds: PRODUCT_TTL_SECONDS,
        listTtlSeconds: LIST_TTL_SECONDS,
        onError,
      });
