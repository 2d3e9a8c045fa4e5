// A private cognito-local for one test file: its own port and data folder (`<cwd>/.cognito`),
// stopped and deleted afterwards. Optionally wired to a Lambda endpoint for the triggers.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { freePort } from './ports';

export interface CognitoLocal {
  readonly endpoint: string;
  readonly client: CognitoIdentityProviderClient;
  /** What cognito-local printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface CognitoLocalOptions {
  /** Lambda Invoke endpoint for the triggers, and the function name of each trigger. */
  readonly lambda?: { readonly endpoint: string; readonly triggers: Record<string, string> };
}

const START_TIMEOUT_MS = 20_000;

const startScript = (): string => {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
};

export const startCognitoLocal = async (options: CognitoLocalOptions = {}): Promise<CognitoLocal> => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-hooks-cognito-'));
  mkdirSync(join(dir, '.cognito'));
  const config = options.lambda
    ? {
        LambdaClient: { endpoint: options.lambda.endpoint, region: 'us-east-1' },
        TriggerFunctions: options.lambda.triggers,
      }
    : {};
  writeFileSync(join(dir, '.cognito', 'config.json'), JSON.stringify(config));

  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [startScript()], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`cognito-local exited during start-up:\n${output}`);
    }
    const healthy = await fetch(`${endpoint}/health`)
      .then((res) => res.ok)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`cognito-local did not answer on ${endpoint}:\n${output}`);
    }
    await sleep(100);
  }

  const client = new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    output: () => output,
    async stop() {
      client.destroy();
      await stop();
    },
  };
};
