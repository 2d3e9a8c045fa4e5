// The Cognito side for real, against cognito-local: the group adapter on its own, then the whole
// sign-up -> confirm -> sign-in path with cognito-local calling the three triggers (through a
// Lambda Invoke endpoint in this process) and GET /me answering from the token it issued.
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { parseGroupsClaim } from '@shop/lambda-kit';
import { invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignUpConfig } from '../../src/config';
import { createCognitoClient } from '../../src/dependencies';
import { postConfirmationHandler } from '../../src/handlers/post-confirmation';
import { preSignUpHandler } from '../../src/handlers/pre-sign-up';
import { handler as preTokenGeneration } from '../../src/handlers/pre-token-generation';
import { createCognitoUserGroupDirectory } from '../../src/user-group.directory';
import { type CognitoLocal, startCognitoLocal } from '../support/cognito-local';
import { createHarness, customerRows, resetCustomers } from '../support/harness';
import { type LambdaEndpoint, startLambdaEndpoint } from '../support/lambda-endpoint';

const PASSWORD = 'Correct-Horse-42!';

const createPool = async (cognito: CognitoLocal) => {
  const { UserPool } = await cognito.client.send(
    new CreateUserPoolCommand({ PoolName: 'shop-test', UsernameAttributes: ['email'] }),
  );
  const userPoolId = UserPool!.Id!;
  await cognito.client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'customer' }));
  const { UserPoolClient } = await cognito.client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'shop-test',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  return { userPoolId, clientId: UserPoolClient!.ClientId! };
};

const groupsOf = async (cognito: CognitoLocal, userPoolId: string, username: string) => {
  const { Groups } = await cognito.client.send(
    new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username }),
  );
  return (Groups ?? []).map((group) => group.GroupName);
};

const jwtPayload = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('the Cognito group adapter against cognito-local', () => {
  let cognito: CognitoLocal;
  let userPoolId: string;
  let username: string;

  beforeAll(async () => {
    cognito = await startCognitoLocal();
    ({ userPoolId } = await createPool(cognito));
    const { User } = await cognito.client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: 'jane@example.com',
        UserAttributes: [{ Name: 'email', Value: 'jane@example.com' }],
        MessageAction: 'SUPPRESS',
      }),
    );
    username = User!.Username!;
  });
  afterAll(() => cognito?.stop());

  it('adds the user to customer, and adding again changes nothing', async () => {
    const groups = createCognitoUserGroupDirectory(
      createCognitoClient({ region: 'us-east-1', endpoint: cognito.endpoint }),
    );

    await groups.addUserToGroup({ userPoolId, username, group: 'customer' });
    await groups.addUserToGroup({ userPoolId, username, group: 'customer' });

    expect(await groupsOf(cognito, userPoolId, username)).toEqual(['customer']);
  });

  it('fails when the group does not exist, so the caller can roll back', async () => {
    const groups = createCognitoUserGroupDirectory(
      createCognitoClient({ region: 'us-east-1', endpoint: cognito.endpoint }),
    );

    await expect(groups.addUserToGroup({ userPoolId, username, group: 'no-such-group' })).rejects.toThrow();
  });
});

describe('sign-up to GET /me through cognito-local and the triggers', () => {
  const harness = createHarness();
  let lambda: LambdaEndpoint;
  let cognito: CognitoLocal;
  let pool: { userPoolId: string; clientId: string };

  beforeAll(async () => {
    await resetCustomers(harness);
    // The endpoint must exist before cognito-local starts; cognito-local's own URL is known after.
    let cognitoEndpoint = '';
    const withCognito = () =>
      harness.service(
        createCognitoUserGroupDirectory(
          createCognitoClient({ region: 'us-east-1', endpoint: cognitoEndpoint }),
        ),
      );
    lambda = await startLambdaEndpoint({
      'shop-auth-hooks-test-preSignUp': preSignUpHandler(
        () => ({ blockedDomains: ['example.invalid'] }) as SignUpConfig,
      ),
      'shop-auth-hooks-test-postConfirmation': postConfirmationHandler(withCognito),
      'shop-auth-hooks-test-preTokenGeneration': preTokenGeneration,
    });
    cognito = await startCognitoLocal({
      lambda: {
        endpoint: lambda.url,
        triggers: {
          PreSignUp: 'shop-auth-hooks-test-preSignUp',
          PostConfirmation: 'shop-auth-hooks-test-postConfirmation',
          PreTokenGeneration: 'shop-auth-hooks-test-preTokenGeneration',
        },
      },
    });
    cognitoEndpoint = cognito.endpoint;
    pool = await createPool(cognito);
  });
  afterAll(async () => {
    await cognito?.stop();
    await lambda?.close();
    await harness.close();
  });

  it('refuses a blocked domain with the trigger message', async () => {
    const signUp = cognito.client.send(
      new SignUpCommand({
        ClientId: pool.clientId,
        Username: 'eve@Example.INVALID',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: 'eve@Example.INVALID' }],
      }),
    );

    await expect(signUp).rejects.toThrow(/Sign-ups from example\.invalid are not accepted/);
  });

  it('makes a confirmed user a customer whose ID token carries the group, and GET /me answers', async () => {
    const { UserSub } = await cognito.client.send(
      new SignUpCommand({
        ClientId: pool.clientId,
        Username: 'Jane.Doe@Example.com',
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: 'Jane.Doe@Example.com' },
          { Name: 'name', Value: 'Jane Doe' },
        ],
      }),
    );
    expect(await customerRows(harness.db)).toEqual([]);

    await cognito.client.send(
      new AdminConfirmSignUpCommand({ UserPoolId: pool.userPoolId, Username: UserSub! }),
    );

    expect(await customerRows(harness.db)).toEqual([
      { id: UserSub, email: 'jane.doe@example.com', name: 'Jane Doe', created_at: expect.any(Date) },
    ]);
    expect(await groupsOf(cognito, pool.userPoolId, UserSub!)).toEqual(['customer']);

    const { AuthenticationResult } = await cognito.client.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'Jane.Doe@Example.com', PASSWORD },
      }),
    );
    const claims = jwtPayload(AuthenticationResult!.IdToken!);
    expect(claims).toMatchObject({ sub: UserSub, token_use: 'id' });
    expect(parseGroupsClaim(claims['cognito:groups'])).toEqual(['customer']);
    expect(lambda.invocations).toContain('shop-auth-hooks-test-preTokenGeneration');

    const me = await invoke(harness.handlers(createCognitoUserGroupDirectory(cognito.client)).getMe, {
      method: 'GET',
      path: '/me',
      claims,
    });
    expect(me.statusCode).toBe(200);
    expect(me.body).toEqual({
      id: UserSub,
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
      groups: ['customer'],
      createdAt: expect.any(String),
    });
  });
});
