// Owns everything the local stack starts: child processes and in-process servers. Children run in
// their own process group (detached) so that stopping one also stops whatever it spawned (esbuild,
// workers), and so that a terminal Ctrl-C reaches only us: we then stop them in reverse start order.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep output out of the terminal (still kept for `recentOutput`). */
  quiet?: boolean;
  /** Only lines this accepts reach the terminal (all are kept for `recentOutput`). */
  show?: (line: string) => boolean;
  /** How long to wait after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  running(): boolean;
  /** The last lines the process printed, for error messages. */
  recentOutput(): string;
  stop(): Promise<void>;
}

interface Resource {
  name: string;
  stop: () => Promise<void>;
  /** Last resort when the supervisor's own process exits before `stop` could run. */
  killSync?: () => void;
}

const COLORS = [36, 35, 33, 32, 34, 96, 95, 93];
const RECENT_LINES = 60;

/** A child as the process file records it: its pid and when the kernel started it. */
interface RecordedProcess {
  name: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a live child from a later process that got its pid. */
  startTime: string;
}

export interface SupervisorOptions {
  /**
   * Where to record the children while they run (JSON). A run killed outright (SIGKILL, a crash of
   * the machine's session) cannot stop them; the next run reaps them with {@link reapLeftovers}
   * before it needs their ports and data directories.
   */
  processFile?: string;
}

export class Supervisor {
  readonly #resources: Resource[] = [];
  readonly #useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  readonly #processFile: string | undefined;
  readonly #running = new Map<number, RecordedProcess>();
  #stopping: Promise<void> | undefined;

  constructor(options: SupervisorOptions = {}) {
    this.#processFile = options.processFile;
    // If we exit without an orderly stop (uncaught error, process.exit), still leave no orphans.
    process.once('exit', () => {
      for (const resource of this.#resources) resource.killSync?.();
    });
  }

  /** Prefix for a line of output from `name`, coloured on terminals. */
  prefix(name: string): string {
    if (!this.#useColor) return `[${name}]`;
    const color = COLORS[hash(name) % COLORS.length];
    return `\u001b[${color}m[${name}]\u001b[0m`;
  }

  log(name: string, message: string): void {
    for (const line of message.split('\n')) console.log(`${this.prefix(name)} ${line}`);
  }

  /** Registers something to stop on shutdown; resources stop in reverse registration order. */
  defer(name: string, stop: () => Promise<void>, killSync?: () => void): void {
    this.#resources.push(killSync ? { name, stop, killSync } : { name, stop });
  }

  spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const recent: string[] = [];
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.shift();
      // Blank lines carry nothing once prefixed, and serverless-offline prints many.
      if (!options.quiet && line.trim() && (options.show?.(line) ?? true)) {
        console.log(`${this.prefix(name)} ${line}`);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', onLine);
    }
    let exitCode: number | null | undefined;
    if (child.pid) this.#record({ name, pid: child.pid, startTime: processStartTime(child.pid) ?? '' });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        exitCode = code;
        if (child.pid) this.#forget(child.pid);
        resolve(code);
      });
      // A missing binary never emits 'exit', only 'error'.
      child.once('error', (error) => {
        onLine(`failed to start ${command}: ${error.message}`);
        exitCode = 127;
        resolve(127);
      });
    });
    const running = () => exitCode === undefined;
    const stop = async () => {
      if (!running()) return;
      signalGroup(child, 'SIGTERM');
      const timeout = sleep(options.stopTimeoutMs ?? 8_000, 'timeout' as const, { ref: false });
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        this.log(name, 'did not stop in time, killing it');
        signalGroup(child, 'SIGKILL');
        await exited;
      }
      // The group leader is gone; anything it left behind in its group goes too.
      signalGroup(child, 'SIGKILL');
    };
    this.defer(name, stop, () => {
      if (running()) signalGroup(child, 'SIGKILL');
    });
    return {
      name,
      pid: child.pid ?? -1,
      exited,
      running,
      recentOutput: () => recent.join('\n'),
      stop,
    };
  }

  #record(process: RecordedProcess): void {
    this.#running.set(process.pid, process);
    this.#writeProcessFile();
  }

  #forget(pid: number): void {
    this.#running.delete(pid);
    this.#writeProcessFile();
  }

  #writeProcessFile(): void {
    if (!this.#processFile) return;
    if (this.#running.size === 0) rmSync(this.#processFile, { force: true });
    else writeFileSync(this.#processFile, JSON.stringify([...this.#running.values()], null, 2));
  }

  /** Stops everything, newest first. Concurrent calls share one stop; later calls stop what was added since. */
  stopAll(): Promise<void> {
    this.#stopping ??= (async () => {
      while (this.#resources.length > 0) {
        const resource = this.#resources.pop()!;
        if (process.env.SHOP_DEBUG) console.log(`stopping ${resource.name}`);
        try {
          await resource.stop();
        } catch (error) {
          this.log(resource.name, `error while stopping: ${error instanceof Error ? error.message : error}`);
        }
      }
    })().finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  /**
   * Calls `onSignal` on the first SIGINT/SIGTERM/SIGHUP. A signal more than a second later means
   * the user is out of patience: kill everything at once and exit. Within that second it is the
   * same Ctrl-C arriving twice: once from the terminal to the whole process group, once relayed by
   * a wrapper (npm, pnpm, tsx).
   */
  onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void): void {
    let firstAt: number | undefined;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (firstAt === undefined) {
          firstAt = Date.now();
          onSignal(signal);
        } else if (Date.now() - firstAt > 1_000) {
          console.log('second signal: killing everything now');
          for (const resource of this.#resources) resource.killSync?.();
          process.exit(130);
        }
      });
    }
  }
}

/**
 * Kills what a previous run recorded in `processFile` and left running (that run was killed before
 * it could stop them), each with its process group; answers what it killed. A recorded pid now used
 * by another process (its start time differs) is left alone.
 */
export function reapLeftovers(processFile: string): string[] {
  let recorded: RecordedProcess[];
  try {
    recorded = JSON.parse(readFileSync(processFile, 'utf8')) as RecordedProcess[];
  } catch {
    return [];
  }
  const reaped: string[] = [];
  for (const entry of recorded) {
    if (!entry.startTime || processStartTime(entry.pid) !== entry.startTime) continue;
    try {
      process.kill(-entry.pid, 'SIGKILL');
      reaped.push(`${entry.name} (pid ${entry.pid})`);
    } catch {
      // Gone meanwhile.
    }
  }
  rmSync(processFile, { force: true });
  return reaped;
}

/** The kernel's start time of `pid` (/proc/<pid>/stat field 22), or undefined when it is gone. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ...": comm may contain spaces; field 22 is the 20th after the ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) >>> 0;
  return value;
}
