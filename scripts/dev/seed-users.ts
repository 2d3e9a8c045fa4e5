// Dev-only users of the local stack, created the way real users are: SignUp + AdminConfirmSignUp
// against cognito-local, so the real auth-hooks triggers run (pre sign-up checks the email, post
// confirmation creates the customers row and adds the user to `customer`). Then the admin is
// added to `admin`. Safe to run on every start: what exists is left alone, what is missing is done.
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminListGroupsForUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoLocal, cognitoClient } from '../lib/cognito-local';

export interface SeedUser {
  email: string;
  /** Meets the pool's password policy (12+ characters, upper, lower, digit, symbol). */
  password: string;
  name: string;
  /** Groups added by seeding, on top of `customer`, which post confirmation gives everyone. */
  extraGroups: readonly string[];
}

/**
 * LOCAL DEVELOPMENT ONLY: fixed, published passwords. The admin is in `admin` and also in
 * `customer`: post confirmation puts every confirmed user in `customer`, and an admin may shop too.
 */
export const SEEDED_USERS: readonly SeedUser[] = [
  { email: 'admin@example.com', password: 'Admin-Passw0rd!', name: 'Local Admin', extraGroups: ['admin'] },
  { email: 'customer@example.com', password: 'Customer-Passw0rd!', name: 'Local Customer', extraGroups: [] },
];

/** The post-confirmation trigger, to run again when a confirmed user missed it (see below). */
export interface PostConfirmationTarget {
  lambdaEndpoint: string;
  functionName: string;
}

export interface SeedUsersOptions {
  cognito: CognitoLocal;
  postConfirmation: PostConfirmationTarget;
  log: (message: string) => void;
  users?: readonly SeedUser[];
}

const CUSTOMER_GROUP = 'customer';

export async function seedUsers(options: SeedUsersOptions): Promise<{ created: string[] }> {
  const { cognito, log } = options;
  const client = cognitoClient(cognito.endpoint, cognito.region);
  const created: string[] = [];
  try {
    for (const user of options.users ?? SEEDED_USERS) {
      if (await ensureUser(client, cognito, user, options.postConfirmation, log)) created.push(user.email);
    }
  } finally {
    client.destroy();
  }
  return { created };
}

/** Returns true when the user was signed up now. */
async function ensureUser(
  client: CognitoIdentityProviderClient,
  cognito: CognitoLocal,
  user: SeedUser,
  postConfirmation: PostConfirmationTarget,
  log: (message: string) => void,
): Promise<boolean> {
  const { userPoolId } = cognito;
  let found = await getUser(client, userPoolId, user.email);
  const signedUp = found === undefined;
  if (!found) {
    await client.send(
      new SignUpCommand({
        ClientId: cognito.clientId,
        Username: user.email,
        Password: user.password,
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'name', Value: user.name },
        ],
      }),
    );
    found = await getUser(client, userPoolId, user.email);
    if (!found) throw new Error(`${user.email} is missing right after SignUp`);
  }
  if (found.UserStatus === 'UNCONFIRMED') {
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: user.email }));
  }
  if (attribute(found, 'email_verified') !== 'true') {
    // Confirming with the emailed code verifies the address; AdminConfirmSignUp does not.
    // (cognito-local wants the email itself in the same request.)
    await client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        UserAttributes: [
          { Name: 'email', Value: attribute(found, 'email') ?? user.email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  }

  // cognito-local only logs a failing post-confirmation trigger, and a confirmed user never gets
  // it again. The trigger is idempotent (Cognito itself retries it), so run it once more, the way
  // Cognito would, whenever its visible effect (membership of `customer`) is missing.
  const username = found.Username ?? user.email;
  if (!(await groupsOf(client, userPoolId, username)).includes(CUSTOMER_GROUP)) {
    if (!signedUp) log(`${user.email} is not in ${CUSTOMER_GROUP}: running post confirmation again`);
    const confirmed = await getUser(client, userPoolId, user.email);
    await invokePostConfirmation(postConfirmation, cognito, confirmed ?? found);
    if (!(await groupsOf(client, userPoolId, username)).includes(CUSTOMER_GROUP)) {
      throw new Error(
        `post confirmation (${postConfirmation.functionName}) ran for ${user.email} but did not add ` +
          `the user to ${CUSTOMER_GROUP}`,
      );
    }
  }
  for (const group of user.extraGroups) {
    // Adding a member twice changes nothing.
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }),
    );
  }
  return signedUp;
}

async function getUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
): Promise<AdminGetUserCommandOutput | undefined> {
  try {
    return await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
  } catch (error) {
    if ((error as { name?: string }).name === 'UserNotFoundException') return undefined;
    throw error;
  }
}

/**
 * `username` must be the user's Username (the `sub` in this pool), not the email: cognito-local's
 * AdminListGroupsForUser finds the user by email but matches group members by the name it was given.
 */
async function groupsOf(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<string[]> {
  const { Groups } = await client.send(
    new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username }),
  );
  return (Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : []));
}

function attribute(user: AdminGetUserCommandOutput, name: string): string | undefined {
  return user.UserAttributes?.find((entry) => entry.Name === name)?.Value;
}

/** Invokes the trigger through the Lambda invoke API with the event Cognito sends it. */
async function invokePostConfirmation(
  target: PostConfirmationTarget,
  cognito: CognitoLocal,
  user: AdminGetUserCommandOutput,
): Promise<void> {
  const userAttributes = Object.fromEntries(
    (user.UserAttributes ?? []).flatMap((entry) => (entry.Name ? [[entry.Name, entry.Value ?? '']] : [])),
  );
  const event = {
    version: '1',
    region: cognito.region,
    userPoolId: cognito.userPoolId,
    userName: user.Username,
    callerContext: { awsSdkVersion: 'local', clientId: cognito.clientId },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: { userAttributes: { ...userAttributes, 'cognito:user_status': 'CONFIRMED' } },
    response: {},
  };
  const url = `${target.lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(target.functionName)}/invocations`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.text();
  if (!response.ok || response.headers.get('x-amz-function-error')) {
    throw new Error(`${target.functionName} failed (HTTP ${response.status}): ${body.slice(0, 500)}`);
  }
}
