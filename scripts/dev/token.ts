// `pnpm -s token [email] [--password <password>] [--access]`: signs in to the running local stack
// (cognito-local, USER_PASSWORD_AUTH) and prints the user's ID token, and nothing else, to stdout:
//   TOKEN=$(pnpm -s token admin@example.com)
//   curl -H "authorization: Bearer $TOKEN" localhost:3000/me
// The seeded users' passwords are known; any other user needs --password (or SHOP_PASSWORD).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoLocal, cognitoClient } from '../lib/cognito-local';
import { SEEDED_USERS } from './seed-users';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_USER = 'customer@example.com';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      password: { type: 'string' },
      access: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: pnpm -s token [email] [--password <password>] [--access]');
    console.log(
      `seeded users: ${SEEDED_USERS.map((user) => user.email).join(', ')} (default ${DEFAULT_USER})`,
    );
    return;
  }
  const email = (positionals[0] ?? DEFAULT_USER).toLowerCase();
  const password =
    values.password ??
    process.env.SHOP_PASSWORD ??
    SEEDED_USERS.find((user) => user.email === email)?.password;
  if (!password) throw new Error(`${email} is not a seeded user: pass --password or set SHOP_PASSWORD`);

  const cognito = readCognito();
  const client = cognitoClient(cognito.endpoint, cognito.region);
  try {
    const { AuthenticationResult: tokens } = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const token = values.access ? tokens?.AccessToken : tokens?.IdToken;
    if (!token)
      throw new Error(`no token for ${email} (a challenge such as MFA or a new password is pending)`);
    process.stdout.write(`${token}\n`);
  } finally {
    client.destroy();
  }
}

/** `cognito` from the running stack's endpoints.json (SHOP_DATA_DIR, default .dev). */
function readCognito(): CognitoLocal {
  const file = join(resolve(process.env.SHOP_DATA_DIR || join(ROOT, '.dev')), 'endpoints.json');
  let endpoints: { cognito?: CognitoLocal };
  try {
    endpoints = JSON.parse(readFileSync(file, 'utf8')) as { cognito?: CognitoLocal };
  } catch {
    throw new Error(`${file} not found: is the shop running (npm start)?`);
  }
  if (!endpoints.cognito) throw new Error(`${file} has no cognito entry: restart the shop (npm start)`);
  return endpoints.cognito;
}

main().catch((error: unknown) => {
  const name = (error as { name?: string }).name;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`token: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`);
  process.exit(1);
});
