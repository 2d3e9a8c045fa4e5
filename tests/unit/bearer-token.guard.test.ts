// The front's bearer-token guard (scripts/dev/bearer-token.guard.ts) against a key pair made here
// and a tiny JWKS server, then wired into a real front in front of a throw-away upstream.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearerTokenGuard } from '../../scripts/dev/bearer-token.guard';
import { type RunningFront, startFront } from '../../scripts/dev/front';
import { randomFreePort } from '../../scripts/lib/ports';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const POOL = 'local_test';
const AUDIENCE = 'client-under-test';
const KID = 'CognitoLocal';
let jwksServer: Server;
let upstream: Server;
let front: RunningFront;
let noJwksFront: RunningFront;
let issuer: string;
let poolKey: PrivateKey;
let otherKey: PrivateKey;
let forwarded = 0;

const now = () => Math.floor(Date.now() / 1000);

/** An ID token as cognito-local issues it, with `changes` applied (undefined removes a claim). */
async function idToken(
  changes: Partial<Record<string, unknown>> = {},
  options: { key?: PrivateKey; kid?: string; alg?: string } = {},
): Promise<string> {
  const claims: Record<string, unknown> = {
    sub: '11111111-2222-3333-4444-555555555555',
    email: 'someone@example.com',
    'cognito:groups': ['customer'],
    token_use: 'id',
    iss: issuer,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 3600,
    ...changes,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? KID, typ: 'JWT' })
    .sign(options.key ?? poolKey);
}

const call = (token: string | undefined, url = front.url) =>
  fetch(`${url}/products`, { headers: token === undefined ? {} : { authorization: token } });

beforeAll(async () => {
  const pool = await generateKeyPair('RS256');
  poolKey = pool.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pool.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  jwksServer = createServer((req, res) => {
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  issuer = `${endpoint}/${POOL}`;

  upstream = createServer((_req, res) => {
    forwarded += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"items":[]}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreams = [
    { name: 'catalog', prefixes: ['/products'], port: (upstream.address() as AddressInfo).port },
  ];
  const guard = bearerTokenGuard({ jwksUrl: `${issuer}/.well-known/jwks.json`, issuer, audience: AUDIENCE });
  front = await startFront({ port: await randomFreePort(), upstreams, guards: [guard] });
  const deadJwks = `http://127.0.0.1:${await randomFreePort()}/${POOL}/.well-known/jwks.json`;
  noJwksFront = await startFront({
    port: await randomFreePort(),
    upstreams,
    guards: [bearerTokenGuard({ jwksUrl: deadJwks, issuer, audience: AUDIENCE })],
  });
});

afterAll(async () => {
  await Promise.all([front.close(), noJwksFront.close()]);
  await new Promise((resolve) => jwksServer.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
});

describe('bearerTokenGuard', () => {
  test('forwards a request without an Authorization header untouched', async () => {
    const before = forwarded;

    const response = await call(undefined);

    expect(response.status).toBe(200);
    expect(forwarded).toBe(before + 1);
  });

  test('forwards a request with a valid ID token', async () => {
    const before = forwarded;

    const response = await call(`Bearer ${await idToken()}`);

    expect(response.status).toBe(200);
    expect(forwarded).toBe(before + 1);
  });

  const rejected: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'a forged signature (right kid, another key)',
      async () => `Bearer ${await idToken({}, { key: otherKey })}`,
      /signature/,
    ],
    [
      'a tampered payload (claims changed after signing)',
      async () => {
        const [header, , signature] = (await idToken()).split('.');
        const payload = Buffer.from(
          JSON.stringify({ sub: 'x', token_use: 'id', iss: issuer, aud: AUDIENCE, exp: now() + 60 }),
        ).toString('base64url');
        return `Bearer ${header}.${payload}.${signature}`;
      },
      /signature/,
    ],
    [
      'a kid the pool does not have',
      async () => `Bearer ${await idToken({}, { key: otherKey, kid: 'someone-else' })}`,
      /kid/,
    ],
    [
      'an expired token',
      async () => `Bearer ${await idToken({ iat: now() - 7200, exp: now() - 60 })}`,
      /expired/,
    ],
    ['a token without exp', async () => `Bearer ${await idToken({ exp: undefined })}`, /exp/],
    ['the wrong audience', async () => `Bearer ${await idToken({ aud: 'another-client' })}`, /aud/],
    [
      'the wrong issuer',
      async () => `Bearer ${await idToken({ iss: 'http://127.0.0.1:1/local_other' })}`,
      /iss/,
    ],
    [
      'an access token',
      async () => `Bearer ${await idToken({ token_use: 'access', aud: undefined })}`,
      /ID token/,
    ],
    ['no token_use at all', async () => `Bearer ${await idToken({ token_use: undefined })}`, /ID token/],
    ['an HS256 token', async () => `Bearer ${await hs256Token()}`, /RS256/],
    ['an unsigned (alg none) token', async () => `Bearer ${unsignedToken()}`, /malformed|RS256/],
    ['a malformed token', async () => 'Bearer not-a-jwt', /Bearer <ID token>/],
    ['garbage that looks like a JWT', async () => 'Bearer aaaa.bbbb.cccc', /malformed/],
    ['"Bearer" missing', async () => idToken(), /Bearer <ID token>/],
    ['another scheme', async () => `Basic ${Buffer.from('a:b').toString('base64')}`, /Bearer <ID token>/],
    ['an empty header', async () => '', /Bearer <ID token>/],
    ['"Bearer" with no token', async () => 'Bearer ', /Bearer <ID token>/],
  ];

  test.each(rejected)(
    'answers 401 UNAUTHORIZED and forwards nothing for %s',
    async (_name, token, reason) => {
      const header = await token();
      const before = forwarded;

      const response = await call(header);

      expect(response.status).toBe(401);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('UNAUTHORIZED');
      expect(body.error.message).toMatch(reason);
      expect(forwarded).toBe(before);
    },
  );

  test('answers 503 when the pool keys cannot be fetched, and forwards nothing', async () => {
    const before = forwarded;

    const response = await call(`Bearer ${await idToken()}`, noJwksFront.url);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(forwarded).toBe(before);
  });
});

async function hs256Token(): Promise<string> {
  return new SignJWT({ sub: 'x', token_use: 'id', iss: issuer, aud: AUDIENCE, exp: now() + 60 })
    .setProtectedHeader({ alg: 'HS256', kid: KID })
    .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'));
}

function unsignedToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', token_use: 'id', iss: issuer, aud: AUDIENCE, exp: now() + 60, 'cognito:groups': ['admin'] })}.`;
}
