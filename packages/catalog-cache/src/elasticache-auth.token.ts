import { createHash, createHmac } from 'node:crypto';

/**
 * ElastiCache IAM authentication: the password of a new Redis connection is a SigV4 presigned
 * `GET http://<replication group>/?Action=connect&User=<user>` (service `elasticache`), valid for
 * 15 minutes, signed here with node:crypto and the function role's credentials from the
 * environment, like the RDS token in packages/db/src/rds-auth.token.ts (no SDK in the bundle).
 * ElastiCache closes IAM-authenticated connections after 12 hours; the client signs a fresh token
 * for every (re)connection (redis.ts).
 */
export interface ElastiCacheAuthTokenRequest {
  /** The replication group id, lower case (`shop-dev-cache`). */
  readonly cacheName: string;
  /** The ElastiCache user id (= its name for IAM users). */
  readonly userId: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly now?: Date;
}

const EXPIRES_IN_SECONDS = 900;

const rfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const canonicalQuery = (params: Record<string, string>): string =>
  Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
    .join('&');

export const createElastiCacheAuthToken = (request: ElastiCacheAuthTokenRequest): string => {
  const { cacheName, userId, region, credentials } = request;
  const amzDate = (request.now ?? new Date())
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/elasticache/aws4_request`;
  const params: Record<string, string> = {
    Action: 'connect',
    User: userId,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(EXPIRES_IN_SECONDS),
    'X-Amz-SignedHeaders': 'host',
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const emptyBodyHash = createHash('sha256').update('').digest('hex');
  const request_ = ['GET', '/', canonicalQuery(params), `host:${cacheName}\n`, 'host', emptyBodyHash].join(
    '\n',
  );
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(request_).digest('hex'),
  ].join('\n');
  const key = [region, 'elasticache', 'aws4_request'].reduce<Buffer | string>(
    (k, part) => createHmac('sha256', k).update(part).digest(),
    createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(day).digest(),
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `${cacheName}/?${canonicalQuery({ ...params, 'X-Amz-Signature': signature })}`;
};
