// Debian packages the local stack and the tests need (redis-server, chromium), installed with
// apt-get when missing: only possible as root, as on CI and a fresh dev machine here.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { whichOnPath } from './which';

/** True when apt-get can install packages here (root, Debian). */
export const canAptInstall = (): boolean => process.getuid?.() === 0 && whichOnPath('apt-get') !== null;

const POLICY_RC = '/usr/sbin/policy-rc.d';

/**
 * `apt-get install` of `packages` (after one `apt-get update`: the lists may be missing on a fresh
 * machine). A temporary policy-rc.d (exit 101 = "not allowed") keeps the packages from starting
 * system services (Debian's redis-server would start one on 6379). Failures are logged, not
 * thrown: the caller checks for what it needed.
 */
export function aptInstall(packages: readonly string[], what: string, log: (message: string) => void): void {
  log(`installing ${what} with apt-get (Debian: ${packages.join(' ')})`);
  const started = Date.now();
  const ownPolicy = !existsSync(POLICY_RC);
  if (ownPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    const run = (args: string[]) => {
      const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (result.status !== 0) {
        const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
          .trim()
          .split('\n')
          .slice(-10)
          .join('\n');
        log(`apt-get ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
      }
      return result.status === 0;
    };
    if (run(['update', '-qq'])) run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  } finally {
    if (ownPolicy) rmSync(POLICY_RC, { force: true });
  }
  log(`apt-get finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
