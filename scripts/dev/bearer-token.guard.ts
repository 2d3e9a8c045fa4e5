// Bearer-token verification at the local front, standing in for API Gateway's Cognito User Pools
// authorizer. serverless-offline decodes any JWT in the Authorization header into the authorizer
// claims without checking its signature, on every route (toolchain.md), so a token must be proven
// genuine before a request reaches a service: RS256 signature against the pool's JWKS, issuer,
// audience (the app client), expiry, and `token_use` = `id` (the API takes ID tokens only).
//
// Requests without an Authorization header go through untouched: public routes answer them and
// protected routes answer 401 themselves. A header that is present but not a valid ID token is
// answered 401 here, on every route. (On AWS a public route ignores the header; here that is not
// safe, because serverless-offline would turn the unverified token into claims.)
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Rejection, RequestGuard } from './front';

export interface BearerTokenOptions {
  /** `<endpoint>/<userPoolId>/.well-known/jwks.json`. */
  jwksUrl: string;
  /** `<endpoint>/<userPoolId>`, the `iss` of the pool's tokens. */
  issuer: string;
  /** The app client id, the `aud` of its ID tokens. */
  audience: string;
}

export type Verification =
  | { ok: true; claims: JWTPayload }
  | { ok: false; status: 401 | 503; reason: string };

/** `Bearer <header.payload.signature>`, as the API contract and serverless-offline both expect. */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

export function bearerTokenGuard(options: BearerTokenOptions): RequestGuard {
  // Keys are fetched once and cached; an unknown `kid` refetches at most every 30 s.
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 3_000 });
  return async (req: IncomingMessage): Promise<Rejection | undefined> => {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const verification = await verifyBearerToken(header, keys, options);
    if (verification.ok) return undefined;
    if (verification.status === 503) {
      return {
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: `Cannot verify the token: ${verification.reason}`,
        headers: { 'retry-after': '1' },
      };
    }
    return { status: 401, code: 'UNAUTHORIZED', message: `Invalid bearer token: ${verification.reason}` };
  };
}

export async function verifyBearerToken(
  header: string,
  keys: JWTVerifyGetKey,
  options: Pick<BearerTokenOptions, 'issuer' | 'audience'>,
): Promise<Verification> {
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    return { ok: false, status: 401, reason: 'the Authorization header must be "Bearer <ID token>"' };
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keys, {
      algorithms: ['RS256'],
      issuer: options.issuer,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    return rejectionFor(error);
  }
  // Checked before the audience: an access token has no `aud` at all (it names its client in
  // `client_id`), and "not an ID token" is the useful thing to say about it.
  if (claims.token_use !== 'id') {
    return {
      ok: false,
      status: 401,
      reason: `an ID token is required, this one has token_use=${String(claims.token_use)}`,
    };
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(options.audience)) {
    return { ok: false, status: 401, reason: 'it was issued for another app client (aud)' };
  }
  return { ok: true, claims };
}

/** jose's errors about getting the key set rather than about the token (generic = bad HTTP answer). */
const UNAVAILABLE_KEYS = new Set([errors.JWKSTimeout.code, errors.JWKSInvalid.code, errors.JOSEError.code]);

function rejectionFor(error: unknown): Verification {
  const reject = (reason: string): Verification => ({ ok: false, status: 401, reason });
  if (error instanceof errors.JWTExpired) return reject('it has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return reject('it was issued by another user pool (iss)');
    return reject(`claim ${error.claim}: ${error.message}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return reject('its signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return reject('no key of the user pool matches its kid');
  if (error instanceof errors.JOSEAlgNotAllowed) return reject('it is not signed with RS256');
  if (error instanceof errors.JOSEError && !UNAVAILABLE_KEYS.has(error.code)) {
    return reject(`it is malformed (${error.code})`);
  }
  // The JWKS could not be fetched or read (cognito-local is not answering): nobody can tell
  // whether the token is good, which is not the caller's fault.
  return { ok: false, status: 503, reason: 'the user pool keys (JWKS) are unavailable' };
}
