#!/usr/bin/env node
// Entry point of the README's two commands (`npm start`, `npm test`). Runs on the machine's own
// Node (20 is enough): it brings pnpm and the repo's dependencies (including Node 22 from the
// npm package `node`), then runs the named root script with the repo's Node 22 first on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.4.2';
const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/bootstrap.mjs <root script> [args...]');
  process.exit(2);
}

const run = (cmd, cmdArgs, env = process.env) => {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
};

// 1. pnpm, pinned, installed into .tools/ (git-ignored) so nothing global is touched.
const toolsDir = join(root, '.tools');
const pnpmBin = join(toolsDir, 'node_modules', '.bin', 'pnpm');
const pnpmPkg = join(toolsDir, 'node_modules', 'pnpm', 'package.json');
const pnpmOk = existsSync(pnpmPkg) && JSON.parse(readFileSync(pnpmPkg, 'utf8')).version === PNPM_VERSION;
if (!pnpmOk) {
  console.log(`[bootstrap] installing pnpm@${PNPM_VERSION} into .tools/`);
  mkdirSync(toolsDir, { recursive: true });
  writeFileSync(join(toolsDir, 'package.json'), '{ "private": true }\n');
  run('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-audit',
    '--no-fund',
    '--save-exact',
    `pnpm@${PNPM_VERSION}`,
  ]);
}

// 2. Workspace dependencies, re-installed only when the lockfile or a manifest changed.
const manifests = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
const stampFile = join(root, 'node_modules', '.shop-install-stamp');
const digest = createHash('sha256');
for (const f of manifests) if (existsSync(join(root, f))) digest.update(readFileSync(join(root, f)));
const stamp = digest.digest('hex');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
  console.log('[bootstrap] installing workspace dependencies with pnpm');
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  run(pnpmBin, ['install', ...frozen]);
  writeFileSync(stampFile, stamp);
}

// 3. The script itself, with the repo's Node 22 and pnpm first on PATH. Ctrl-C reaches the whole
// foreground process group anyway; we stay alive until the script has stopped everything it
// started, so the prompt only comes back once the shop is really down.
const binDirs = [join(root, 'node_modules', '.bin'), join(toolsDir, 'node_modules', '.bin')];
const env = { ...process.env, PATH: [...binDirs, process.env.PATH].join(':') };
const child = spawn(pnpmBin, ['run', '--silent', script, ...args], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // A signal sent to this process alone (not the group) is passed on.
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
