// Cognito for the local stack: cognito-local (toolchain.md), a user pool emulator that keeps its
// data in JSON files under `<dir>/.cognito/db` (its working folder) so users survive restarts.
// Start writes its config (trigger wiring, issuer), starts it on 127.0.0.1 and makes sure the
// pool, the app client and the groups exist, finding them by name so a restart reuses them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_HOST } from './ports';
import type { ManagedProcess, Supervisor } from './supervisor';
import { StopWaiting, waitUntil } from './wait';

/** What the local stack creates in cognito-local; found again by these names on every start. */
export const LOCAL_USER_POOL = {
  poolName: 'shop-local',
  clientName: 'shop-local-web',
  groups: ['admin', 'customer'],
} as const;

/** Where a running cognito-local and the local pool are: `cognito` in .dev/endpoints.json. */
export interface CognitoLocal {
  endpoint: string;
  region: string;
  userPoolId: string;
  clientId: string;
}

/** The Cognito triggers, as Lambda function names on a Lambda-compatible invoke endpoint. */
export interface CognitoTriggers {
  /** e.g. serverless-offline's lambda port: `http://127.0.0.1:3202`. */
  lambdaEndpoint: string;
  functions: {
    PreSignUp: string;
    PostConfirmation: string;
    PreTokenGeneration: string;
  };
}

export interface StartCognitoLocalOptions {
  port: number;
  /** Its working folder: config in `<dir>/.cognito/config.json`, data in `<dir>/.cognito/db`. */
  dir: string;
  supervisor: Supervisor;
  /** Reported to clients; cognito-local itself accepts any region. */
  region?: string;
  /** Without triggers, sign-up and sign-in work but nothing runs on confirmation. */
  triggers?: CognitoTriggers;
}

const DEFAULT_REGION = 'us-east-1';
const START_TIMEOUT_MS = 30_000;
// cognito-local checks no signatures; these only keep the SDK from looking for real credentials.
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface RunningCognitoLocal extends CognitoLocal {
  process: ManagedProcess;
}

export async function startCognitoLocal(options: StartCognitoLocalOptions): Promise<RunningCognitoLocal> {
  const { port, dir, supervisor } = options;
  const region = options.region ?? DEFAULT_REGION;
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  writeCognitoLocalConfig(dir, cognitoLocalConfig({ endpoint, region, triggers: options.triggers }));

  const started = Date.now();
  const child = supervisor.spawn('cognito', process.execPath, [cognitoLocalBin()], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: LOCAL_HOST,
      // It runs on the AWS SDK v2, which prints an end-of-support notice at every start.
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      NODE_NO_WARNINGS: '1',
    },
    // It logs every refused request (a wrong password, an unknown user) as a warning with a stack
    // trace. Show only its errors, such as a trigger that failed; the rest stays in recentOutput.
    show: (line) => /\bERROR\b/.test(line),
  });
  try {
    await waitUntil(
      async () => {
        if (!child.running()) throw new StopWaiting(`cognito-local exited:\n${child.recentOutput()}`);
        const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        return response.ok;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, what: `cognito-local on ${endpoint}` },
    );
    const pool = await ensureUserPool(endpoint, region);
    const wiring = options.triggers ? `triggers via ${options.triggers.lambdaEndpoint}` : 'no triggers';
    supervisor.log(
      'cognito',
      `cognito-local ready on ${endpoint} in ${Date.now() - started} ms: pool ${pool.userPoolId}, ` +
        `client ${pool.clientId}, ${wiring}`,
    );
    return { ...pool, process: child };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** An SDK client for cognito-local. Call `destroy()` when done. */
export function cognitoClient(endpoint: string, region = DEFAULT_REGION): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
}

/** cognito-local's config file (merged by cognito-local over its defaults). */
export function cognitoLocalConfig(options: {
  endpoint: string;
  region: string;
  triggers?: CognitoTriggers | undefined;
}): Record<string, unknown> {
  return {
    LambdaClient: {
      ...(options.triggers ? { endpoint: options.triggers.lambdaEndpoint } : {}),
      region: options.region,
      credentials: LOCAL_CREDENTIALS,
    },
    TriggerFunctions: options.triggers ? { ...options.triggers.functions } : {},
    // The `iss` of its tokens is `<IssuerDomain>/<userPoolId>`; by default it is built from HOST and
    // PORT, which is the same URL, but saying so keeps the issuer the front checks in one place.
    TokenConfig: { IssuerDomain: options.endpoint },
    UserPoolDefaults: { UsernameAttributes: ['email'] },
  };
}

/** The issuer of the pool's tokens, as cognito-local writes it and as the front checks it. */
export function issuerOf(pool: Pick<CognitoLocal, 'endpoint' | 'userPoolId'>): string {
  return `${pool.endpoint}/${pool.userPoolId}`;
}

/** The pool's JSON Web Key Set (cognito-local serves one fixed RS256 key for every pool). */
export function jwksUrlOf(pool: Pick<CognitoLocal, 'endpoint' | 'userPoolId'>): string {
  return `${issuerOf(pool)}/.well-known/jwks.json`;
}

function writeCognitoLocalConfig(dir: string, config: Record<string, unknown>): void {
  const configDir = join(dir, '.cognito');
  mkdirSync(configDir, { recursive: true });
  // Rewritten on every start: the Lambda port may differ from the last run's.
  writeFileSync(join(configDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Finds the local pool, its app client and its groups by name, creating what is missing.
 * cognito-local allows duplicate names (and a second CreateGroup replaces the group, dropping its
 * members), so everything is looked up before anything is created.
 */
export async function ensureUserPool(endpoint: string, region = DEFAULT_REGION): Promise<CognitoLocal> {
  const client = cognitoClient(endpoint, region);
  try {
    const pools = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    let userPoolId = pools.find((pool) => pool.Name === LOCAL_USER_POOL.poolName)?.Id;
    if (!userPoolId) {
      const created = await client.send(
        new CreateUserPoolCommand({
          PoolName: LOCAL_USER_POOL.poolName,
          // The same settings as the CloudFormation pool, as far as cognito-local takes them
          // (it does not enforce the password policy).
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          Policies: {
            PasswordPolicy: {
              MinimumLength: 12,
              RequireLowercase: true,
              RequireUppercase: true,
              RequireNumbers: true,
              RequireSymbols: true,
            },
          },
        }),
      );
      userPoolId = required(created.UserPool?.Id, 'CreateUserPool returned no pool id');
    }

    const clients =
      (await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 })))
        .UserPoolClients ?? [];
    let clientId = clients.find((appClient) => appClient.ClientName === LOCAL_USER_POOL.clientName)?.ClientId;
    if (!clientId) {
      const created = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: LOCAL_USER_POOL.clientName,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          IdTokenValidity: 60,
          AccessTokenValidity: 60,
          RefreshTokenValidity: 30,
          TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
        }),
      );
      clientId = required(created.UserPoolClient?.ClientId, 'CreateUserPoolClient returned no client id');
    }

    const groups = (await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }))).Groups ?? [];
    for (const groupName of LOCAL_USER_POOL.groups) {
      if (!groups.some((group) => group.GroupName === groupName)) {
        await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: groupName }));
      }
    }
    return { endpoint, region, userPoolId, clientId };
  } finally {
    client.destroy();
  }
}

/** Path of cognito-local's start script (its package `bin`), run with our own Node. */
function cognitoLocalBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('cognito-local/package.json');
  const { bin } = require(manifestPath) as { bin: string | Record<string, string> };
  const relative = typeof bin === 'string' ? bin : bin['cognito-local'];
  if (!relative) throw new Error('cognito-local/package.json names no cognito-local bin');
  return resolve(dirname(manifestPath), relative);
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}
