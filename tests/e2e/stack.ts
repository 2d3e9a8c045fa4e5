// Drives the README's start command the way a developer does: start it, wait until it says it is
// ready (.dev/endpoints.json), press Ctrl-C (SIGINT to its process group), check nothing is left.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import type { Endpoints } from '../../scripts/dev/endpoints';
import { isPortFree } from '../../scripts/lib/ports';
import { StopWaiting, waitUntil } from '../../scripts/lib/wait';

export type { Endpoints } from '../../scripts/dev/endpoints';

export interface StartedStack {
  endpoints: Endpoints;
  /** Everything the command printed so far, for failure messages. */
  output(): string;
  /** Ctrl-C, then waits until every process is gone and every port is free again. */
  stop(): Promise<void>;
}

// Variables that would make the start command reuse servers instead of starting its own.
const INHERITED_SERVICES = ['DATABASE_URL', 'REDIS_URL', 'REDIS_SERVER_BIN', 'S3_ENDPOINT', 'ASSETS_BUCKET'];

export async function startStack(options: {
  root: string;
  dataDir: string;
  port: number;
  args: string[];
}): Promise<StartedStack> {
  const endpointsFile = `${options.dataDir}/endpoints.json`;
  // A file left by an earlier run would look like readiness before the new run has even started.
  rmSync(endpointsFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SHOP_DATA_DIR: options.dataDir,
    SHOP_PORT: String(options.port),
  };
  for (const name of Object.keys(env)) {
    // As from a fresh shell: no servers to reuse, and no settings of the npm/pnpm run around us.
    if (INHERITED_SERVICES.includes(name) || /^(npm_|pnpm_)/i.test(name) || name === 'INIT_CWD')
      delete env[name];
  }
  const child = spawn('npm', ['start', '--', ...options.args], {
    cwd: options.root,
    env,
    // Its own process group, like a terminal job: SIGINT to the group is what Ctrl-C sends.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the test process goes away first (a hook timeout ends the worker), Ctrl-C the stack anyway:
  // it is detached, and would otherwise keep running with its databases and ports.
  const interruptOnExit = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', interruptOnExit);
  child.once('exit', () => process.off('exit', interruptOnExit));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new StopWaiting('the start command exited before it was ready');
        }
        return existsSync(endpointsFile);
      },
      { timeoutMs: 240_000, intervalMs: 250, what: endpointsFile },
    );
  } catch (error) {
    await interruptAndWait(child, []);
    throw new Error(`${(error as Error).message}\n--- output ---\n${output}`, { cause: error });
  }
  const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as Endpoints;
  return {
    endpoints,
    output: () => output,
    stop: () => interruptAndWait(child, portsOf(endpoints), options.dataDir),
  };
}

async function interruptAndWait(child: ChildProcess, ports: number[], dataDir?: string): Promise<void> {
  const pgid = child.pid;
  if (!pgid) return;
  try {
    process.kill(-pgid, 'SIGINT');
  } catch {
    // Already gone.
  }
  await waitUntil(async () => liveGroupMembers(pgid).length === 0, {
    timeoutMs: 30_000,
    what: `process group ${pgid} to exit`,
  });
  for (const port of ports) {
    try {
      await waitUntil(() => isPortFree(port), { timeoutMs: 15_000, what: `port ${port}` });
    } catch (error) {
      throw new Error(`${(error as Error).message}; held by: ${listenersOf(port).join('; ') || 'unknown'}`, {
        cause: error,
      });
    }
  }
  if (dataDir) {
    const leftovers = processesMentioning(dataDir);
    if (leftovers.length) throw new Error(`processes still using ${dataDir}:\n${leftovers.join('\n')}`);
  }
}

/**
 * Every port the stack listed: front, services (HTTP and Lambda), PostgreSQL, Redis, S3, Cognito,
 * Kinesis, DynamoDB, SNS and SES (a stack from before the stock alerts lacks the last two).
 */
export function portsOf(endpoints: Endpoints): number[] {
  const urls = [
    endpoints.apiUrl,
    endpoints.databaseUrl,
    endpoints.s3.endpoint,
    endpoints.cognito.endpoint,
    endpoints.kinesis.endpoint,
    endpoints.dynamodb.endpoint,
    ...[endpoints.sns?.endpoint, endpoints.ses?.endpoint].filter((url): url is string => Boolean(url)),
    ...Object.values(endpoints.services).flatMap((service) =>
      service.url ? [service.url, service.lambdaUrl] : [service.lambdaUrl],
    ),
  ];
  if (endpoints.redisUrl.startsWith('redis://')) urls.push(endpoints.redisUrl);
  return urls.map((url) => Number(new URL(url).port)).filter((port) => port > 0);
}

function liveGroupMembers(pgid: number): string[] {
  return procEntries()
    .filter((proc) => proc.pgid === pgid && proc.state !== 'Z')
    .map((proc) => proc.command);
}

function processesMentioning(text: string): string[] {
  return procEntries()
    .filter((proc) => proc.state !== 'Z' && proc.command.includes(text))
    .map((proc) => `${proc.pid} ${proc.command}`);
}

/** The processes listening on 127.0.0.1:`port` (pid, process group, parent, command), for error messages. */
function listenersOf(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // local address ends with the port; state 0A = LISTEN; field 9 is the socket inode
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[9]),
  );
  const holders: string[] = [];
  for (const proc of procEntries()) {
    try {
      const fds = readdirSync(`/proc/${proc.pid}/fd`);
      const holds = fds.some((fd) => {
        try {
          const target = readlinkSync(`/proc/${proc.pid}/fd/${fd}`);
          return inodes.has(target.replace(/^socket:\[(\d+)\]$/, '$1'));
        } catch {
          return false;
        }
      });
      if (holds) holders.push(`pid ${proc.pid} (group ${proc.pgid}): ${proc.command.slice(0, 160)}`);
    } catch {
      // Not ours to read, or gone.
    }
  }
  return holders;
}

function procEntries(): Array<{ pid: number; pgid: number; state: string; command: string }> {
  const entries = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after ')'.
      const [state = '', , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      entries.push({ pid: Number(name), pgid: Number(pgrp), state, command });
    } catch {
      // The process ended while we looked.
    }
  }
  return entries;
}
