import { createHash, createHmac } from 'node:crypto';

/**
 * The RDS IAM authentication token, signed with node:crypto instead of `@aws-sdk/rds-signer`.
 *
 * Why: the signer pulls the SDK's credential provider chain, HTTP handlers and SigV4 stack into
 * every function that can reach Aurora (about 285 KB of the 895 KB getProduct bundle; esbuild
 * inlines the dynamic import it was loaded through). On Lambda the function role's credentials are
 * in the environment, which is the first place the SDK's chain looks, so all the signer does there
 * is one SigV4 query-string presign of `GET https://host:port/?Action=connect&DBUser=user`. The unit
 * test compares these tokens byte for byte with `Signer.getAuthToken()`.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials, which is what a Lambda function role always has. */
  readonly sessionToken?: string;
}

export interface RdsAuthTokenRequest {
  readonly hostname: string;
  readonly port: number;
  /** The database user the token logs in as; the role needs `rds-db:connect` for it. */
  readonly username: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
}

type Env = Readonly<Record<string, string | undefined>>;

/** How long RDS accepts a token for a new connection, in seconds (the SDK signer's fixed value). */
const EXPIRES_IN_SECONDS = 900;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'rds-db';
/** SHA-256 of the empty body of the presigned GET. */
const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 percent-encoding, as SigV4 (and the SDK's `escapeUri`) wants it. */
const escapeUri = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** Query parameters in code-unit order, which is both SigV4's canonical order and the SDK's output order. */
const queryString = (params: Record<string, string>): string =>
  Object.keys(params)
    .sort()
    .map((key) => `${escapeUri(key)}=${escapeUri(params[key] as string)}`)
    .join('&');

/**
 * Builds an RDS IAM authentication token (`host:port/?Action=connect&DBUser=...&X-Amz-Signature=...`),
 * valid for 15 minutes from now, to be used as the password of a new TLS connection.
 */
export const createRdsAuthToken = (request: RdsAuthTokenRequest): string => {
  const { hostname, port, username, region, credentials } = request;
  // 20250102T030405Z: ISO 8601 basic format, whole seconds.
  const longDate = new Date()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/${SERVICE}/aws4_request`;
  const host = `${hostname}:${port}`;

  const params: Record<string, string> = {
    Action: 'connect',
    DBUser: username,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': longDate,
    'X-Amz-Expires': String(EXPIRES_IN_SECONDS),
    'X-Amz-SignedHeaders': 'host',
  };
  if (credentials.sessionToken) {
    params['X-Amz-Security-Token'] = credentials.sessionToken;
  }

  // Method, path, query, canonical headers (each line ends in \n), signed headers, payload hash.
  const canonicalRequest = [
    'GET',
    '/',
    queryString(params),
    `host:${host}\n`,
    'host',
    EMPTY_PAYLOAD_SHA256,
  ].join('\n');
  const stringToSign = [
    ALGORITHM,
    longDate,
    scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');

  let signingKey = hmac(`AWS4${credentials.secretAccessKey}`, shortDate);
  for (const part of [region, SERVICE, 'aws4_request']) {
    signingKey = hmac(signingKey, part);
  }
  params['X-Amz-Signature'] = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');

  return `${host}/?${queryString(params)}`;
};

/**
 * The credentials the Lambda runtime puts in the environment for the function's role. Read on every
 * call, as the SDK's environment provider does, so nothing stale is kept. Missing credentials fail
 * fast: IAM database auth is only configured for Lambda, where they are always set.
 */
export const credentialsFromEnv = (env: Env = process.env): AwsCredentials => {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'IAM database authentication needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment ' +
        '(the Lambda runtime sets them from the function role); use a database URL outside Lambda',
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
};
