// Runs one command to completion with inherited output, for the test scripts' steps.
import { type ChildProcess, spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';

let current: ChildProcess | undefined;

/** PATH with the repo's own bins (Node 22, pnpm, vitest, serverless) first. */
export function repoPath(root: string, path = process.env.PATH ?? ''): string {
  return [join(root, 'node_modules', '.bin'), join(root, '.tools', 'node_modules', '.bin'), path].join(
    delimiter,
  );
}

/** Resolves with the exit code (signals count as failures). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: 'inherit',
    });
    current = child;
    child.once('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Forwards a shutdown signal to the command that is running, if any. */
export function stopCurrentCommand(signal: NodeJS.Signals): void {
  current?.kill(signal);
}
