// Redis for the local stack and the tests: a `redis-server` binary we start ourselves on our own
// port, installed from Debian when we are root and it is missing (no Docker, no npm build).
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { aptInstall, canAptInstall } from './apt';
import { LOCAL_HOST } from './ports';
import type { ManagedProcess, Supervisor } from './supervisor';
import { StopWaiting, waitUntil } from './wait';
import { isExecutable, whichOnPath } from './which';

export interface RedisServer {
  url: string;
  process: ManagedProcess;
}

export interface FindRedisOptions {
  /** Install Debian's redis-server with apt-get when missing (only possible as root). */
  allowInstall: boolean;
  log: (message: string) => void;
}

/** Path of a usable `redis-server`, or null when there is none and none can be installed. */
export function findRedisServer(options: FindRedisOptions): string | null {
  const found = whichRedisServer();
  if (found || !options.allowInstall) return found;
  if (!canAptInstall()) return null;
  // The package would also start a system Redis on 6379; aptInstall keeps services from starting,
  // so the only Redis running is the one we start on our own port.
  aptInstall(['redis-server'], 'redis-server (about 15 s)', options.log);
  return whichRedisServer();
}

export interface StartRedisOptions {
  bin: string;
  port: number;
  /** Working folder (Redis writes nothing there without persistence, but needs one). */
  dir: string;
  supervisor: Supervisor;
}

/**
 * Starts our own redis-server on 127.0.0.1:`port` without persistence: it is a cache, and a cache
 * restored from disk could serve entries the database no longer agrees with.
 */
export async function startRedisServer(options: StartRedisOptions): Promise<RedisServer> {
  const { bin, port, dir, supervisor } = options;
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const child = supervisor.spawn(
    'redis',
    bin,
    [
      '--port',
      String(port),
      '--bind',
      LOCAL_HOST,
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { cwd: dir, quiet: true },
  );
  try {
    await waitUntil(
      async () => {
        if (!child.running()) throw new StopWaiting(`redis-server exited:\n${child.recentOutput()}`);
        return ping(port);
      },
      { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on port ${port}` },
    );
  } catch (error) {
    await child.stop();
    throw error;
  }
  supervisor.log('redis', `Redis ready on ${LOCAL_HOST}:${port} in ${Date.now() - started} ms (${bin})`);
  return { url: `redis://${LOCAL_HOST}:${port}`, process: child };
}

/** True when a Redis server answers PING on `url` (any redis:// URL). */
export function pingUrl(url: string): Promise<boolean> {
  const parsed = new URL(url);
  return ping(Number(parsed.port || 6379), parsed.hostname || LOCAL_HOST);
}

function ping(port: number, host = LOCAL_HOST): Promise<boolean> {
  // A raw RESP PING: ioredis would retry and log on its own, which is noise while we poll.
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('error', () => resolve(false));
  });
}

function whichRedisServer(): string | null {
  return (
    whichOnPath('redis-server') ?? (isExecutable('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null)
  );
}
