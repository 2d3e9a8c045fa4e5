// Helpers shared by the e2e files: calls through the front, sign-in and sign-up through
// cognito-local (the real auth-hooks triggers run), and a reader of the local Kinesis stream.
import { request } from 'node:http';
import {
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { recordResponse } from '@shop/lambda-kit/testing';
import { SEEDED_USERS } from '../../scripts/dev/seed-users';
import { localKinesisClient, readStreamRecords, type StreamRecord } from '../../scripts/lib/kinesalite';
import type { Endpoints } from './stack';

/** A valid `shippingAddress` for POST /orders. */
export const SHIPPING_ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Street',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
} as const;

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  requestId: string | null;
}

/** One request to the front; `authorization` is sent as is (e.g. `Bearer <ID token>`). */
export async function callApi<T = unknown>(
  apiUrl: string,
  method: string,
  path: string,
  options: {
    authorization?: string;
    body?: unknown;
    headers?: Record<string, string>;
    /** false for a path the API deliberately does not have: kept out of the contract check. */
    record?: boolean;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (options.record !== false)
    recordResponse({
      method,
      path: path.split('?')[0] ?? path,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: text,
    });
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
    requestId: response.headers.get('x-request-id'),
  };
}

/**
 * fetch for the typed client (`@shop/api-client`) in e2e tests: the response is recorded for the
 * contract check, like every `callApi` response.
 */
export const recordingFetch = async (
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> => {
  const request = new Request(input, init);
  const response = await fetch(request);
  const url = new URL(request.url);
  recordResponse({
    method: request.method,
    path: url.pathname,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.clone().text(),
  });
  return response;
};

/**
 * One request to the front with exactly the `Host` given, which fetch does not allow: what a
 * browser sends when a page's own name has been re-pointed at 127.0.0.1 (DNS rebinding).
 */
export function callApiAsHost<T = unknown>(
  apiUrl: string,
  host: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers, host };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: new URL(apiUrl).port, method, path, headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') responseHeaders.set(name, value);
          }
          resolve({
            status: res.statusCode ?? 0,
            body: (text ? JSON.parse(text) : undefined) as T,
            headers: responseHeaders,
            requestId: responseHeaders.get('x-request-id'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** USER_PASSWORD_AUTH against cognito-local: the ID token (what the front wants) and the access token. */
export async function signIn(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
): Promise<{ idToken: string; accessToken: string }> {
  const { AuthenticationResult } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  return { idToken: AuthenticationResult!.IdToken!, accessToken: AuthenticationResult!.AccessToken! };
}

/** The ID token of one of the users `npm start` seeds (scripts/dev/seed-users.ts). */
export async function signInSeeded(
  cognito: CognitoIdentityProviderClient,
  pool: Endpoints['cognito'],
  email: string,
): Promise<string> {
  const user = SEEDED_USERS.find((seeded) => seeded.email === email);
  if (!user) throw new Error(`${email} is not a seeded user`);
  return (await signIn(cognito, pool.clientId, email, user.password)).idToken;
}

/** Signs a new user up and confirms them, as an admin would: the real triggers run. */
export async function signUpConfirmed(
  cognito: CognitoIdentityProviderClient,
  pool: Endpoints['cognito'],
  user: { email: string; password: string; name: string },
): Promise<{ email: string; sub: string }> {
  const { UserSub } = await cognito.send(
    new SignUpCommand({
      ClientId: pool.clientId,
      Username: user.email,
      Password: user.password,
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'name', Value: user.name },
      ],
    }),
  );
  await cognito.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.userPoolId, Username: user.email }));
  return { email: user.email, sub: UserSub! };
}

export type { StreamRecord } from '../../scripts/lib/kinesalite';

/** Every record of `streamName` so far: all shards from TRIM_HORIZON, each in sequence order. */
export async function readStream(endpoint: string, streamName: string): Promise<StreamRecord[]> {
  const client = localKinesisClient(endpoint);
  try {
    return await readStreamRecords(client, streamName);
  } finally {
    client.destroy();
  }
}
