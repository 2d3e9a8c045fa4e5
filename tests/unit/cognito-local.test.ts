// scripts/lib/cognito-local.ts and scripts/dev/seed-users.ts against a real cognito-local, with its
// triggers wired to a fake Lambda invoke endpoint that behaves like auth-hooks (post confirmation
// adds the user to `customer`; pre token generation adds a claim).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyBearerToken } from '../../scripts/dev/bearer-token.guard';
import { SEEDED_USERS, seedUsers } from '../../scripts/dev/seed-users';
import {
  type CognitoTriggers,
  cognitoClient,
  ensureUserPool,
  issuerOf,
  jwksUrlOf,
  type RunningCognitoLocal,
  startCognitoLocal,
} from '../../scripts/lib/cognito-local';
import { randomFreePort } from '../../scripts/lib/ports';
import { Supervisor } from '../../scripts/lib/supervisor';

const FUNCTIONS = {
  PreSignUp: 'fake-preSignUp',
  PostConfirmation: 'fake-postConfirmation',
  PreTokenGeneration: 'fake-preTokenGeneration',
};

const supervisor = new Supervisor();
const dir = mkdtempSync(join(tmpdir(), 'shop-cognito-test-'));
const invocations: Array<{ name: string; event: { triggerSource: string; userName: string } }> = [];
let lambda: Server;
let triggers: CognitoTriggers;
let port: number;
let cognito: RunningCognitoLocal;

const groupsOf = async (email: string) => {
  const client = cognitoClient(cognito.endpoint);
  try {
    // By Username (the sub): cognito-local matches members by the name given (see seed-users.ts).
    const { Username } = await client.send(
      new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: email }),
    );
    const { Groups } = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: cognito.userPoolId, Username }),
    );
    return (Groups ?? []).map((group) => group.GroupName).sort();
  } finally {
    client.destroy();
  }
};

const idTokenOf = async (email: string, password: string) => {
  const client = cognitoClient(cognito.endpoint);
  try {
    const { AuthenticationResult } = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    return AuthenticationResult!.IdToken!;
  } finally {
    client.destroy();
  }
};

beforeAll(async () => {
  // A Lambda invoke endpoint (POST /2015-03-31/functions/<name>/invocations) playing auth-hooks.
  lambda = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const name = decodeURIComponent(req.url?.split('/')[3] ?? '');
      const event = JSON.parse(Buffer.concat(chunks).toString()) as {
        triggerSource: string;
        userName: string;
        userPoolId: string;
        response: Record<string, unknown>;
      };
      invocations.push({ name, event });
      if (name === FUNCTIONS.PostConfirmation) {
        const client = cognitoClient(cognito.endpoint);
        await client.send(
          new AdminAddUserToGroupCommand({
            UserPoolId: event.userPoolId,
            Username: event.userName,
            GroupName: 'customer',
          }),
        );
        client.destroy();
      }
      if (name === FUNCTIONS.PreTokenGeneration) {
        event.response = { claimsOverrideDetails: { claimsToAddOrOverride: { 'shop:trigger': 'ran' } } };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(event));
    });
  });
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  triggers = {
    lambdaEndpoint: `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`,
    functions: FUNCTIONS,
  };
  port = await randomFreePort();
  cognito = await startCognitoLocal({ port, dir, supervisor, triggers });
}, 60_000);

afterAll(async () => {
  await supervisor.stopAll();
  await new Promise((resolve) => lambda.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('startCognitoLocal', () => {
  test('creates one pool, one app client and the groups, and finds them again by name', async () => {
    const again = await ensureUserPool(cognito.endpoint);

    expect(again).toEqual({
      endpoint: cognito.endpoint,
      region: cognito.region,
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
    });
    const client = cognitoClient(cognito.endpoint);
    const pools = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    client.destroy();
    expect(pools.filter((pool) => pool.Name === 'shop-local')).toHaveLength(1);
  });

  test('issues ID tokens that verify against jwksUrlOf/issuerOf, with trigger claims', async () => {
    const client = cognitoClient(cognito.endpoint);
    await client.send(
      new SignUpCommand({
        ClientId: cognito.clientId,
        Username: 'probe@example.com',
        Password: 'Probe-Passw0rd!',
        UserAttributes: [{ Name: 'email', Value: 'probe@example.com' }],
      }),
    );
    await client.send(
      new AdminConfirmSignUpCommand({ UserPoolId: cognito.userPoolId, Username: 'probe@example.com' }),
    );
    client.destroy();

    const token = await idTokenOf('probe@example.com', 'Probe-Passw0rd!');
    const verified = await verifyBearerToken(
      `Bearer ${token}`,
      createRemoteJWKSet(new URL(jwksUrlOf(cognito))),
      {
        issuer: issuerOf(cognito),
        audience: cognito.clientId,
      },
    );

    expect(verified.ok).toBe(true);
    expect(decodeJwt(token)).toMatchObject({
      iss: `${cognito.endpoint}/${cognito.userPoolId}`,
      aud: cognito.clientId,
      token_use: 'id',
      email: 'probe@example.com',
      'cognito:groups': ['customer'],
      'shop:trigger': 'ran',
    });
    const sources = invocations.map(({ name, event }) => `${name}:${event.triggerSource}`);
    expect(sources).toEqual(
      expect.arrayContaining([
        'fake-preSignUp:PreSignUp_SignUp',
        'fake-postConfirmation:PostConfirmation_ConfirmSignUp',
        'fake-preTokenGeneration:TokenGeneration_Authentication',
      ]),
    );
  });
});

describe('seedUsers', () => {
  const postConfirmation = () => ({
    lambdaEndpoint: triggers.lambdaEndpoint,
    functionName: FUNCTIONS.PostConfirmation,
  });
  const confirmations = () => invocations.filter(({ name }) => name === FUNCTIONS.PostConfirmation).length;

  test('signs up and confirms the dev users through the triggers, and makes the admin an admin', async () => {
    const before = confirmations();

    const { created } = await seedUsers({ cognito, postConfirmation: postConfirmation(), log: () => {} });

    expect(created).toEqual(['admin@example.com', 'customer@example.com']);
    expect(confirmations()).toBe(before + 2);
    expect(await groupsOf('admin@example.com')).toEqual(['admin', 'customer']);
    expect(await groupsOf('customer@example.com')).toEqual(['customer']);
    for (const user of SEEDED_USERS) {
      expect(decodeJwt(await idTokenOf(user.email, user.password))).toMatchObject({
        email: user.email,
        email_verified: true,
      });
    }
  });

  test('changes nothing when run again', async () => {
    const before = confirmations();

    const { created } = await seedUsers({ cognito, postConfirmation: postConfirmation(), log: () => {} });

    expect(created).toEqual([]);
    expect(confirmations()).toBe(before);
  });

  test('runs post confirmation again for a confirmed user whose trigger effect is missing', async () => {
    const client = cognitoClient(cognito.endpoint);
    await client.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: cognito.userPoolId,
        Username: 'customer@example.com',
        GroupName: 'customer',
      }),
    );
    client.destroy();
    const messages: string[] = [];

    await seedUsers({
      cognito,
      postConfirmation: postConfirmation(),
      log: (message) => messages.push(message),
    });

    expect(await groupsOf('customer@example.com')).toEqual(['customer']);
    expect(messages.join('\n')).toMatch(/running post confirmation again/);
  });

  test('keeps the pool, the client and the users across a restart', async () => {
    await cognito.process.stop();

    cognito = await startCognitoLocal({ port, dir, supervisor, triggers });

    expect(await ensureUserPool(cognito.endpoint)).toMatchObject({
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
    });
    expect(await groupsOf('admin@example.com')).toEqual(['admin', 'customer']);
    expect(
      (await seedUsers({ cognito, postConfirmation: postConfirmation(), log: () => {} })).created,
    ).toEqual([]);
  });
});
