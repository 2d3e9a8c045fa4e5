// Helpers shared by the e2e files: calls through the front, sign-in and sign-up through
// cognito-local (the real auth-hooks triggers run), and a reader of the local Kinesis stream.
import {
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { localKinesisClient, readStreamRecords, type StreamRecord } from '../../scripts/lib/kinesalite';
import type { Endpoints } from './stack';

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
  options: { authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
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
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
    requestId: response.headers.get('x-request-id'),
  };
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
