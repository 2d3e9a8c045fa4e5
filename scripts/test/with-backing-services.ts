// `tsx scripts/test/with-backing-services.ts <command> [args...]`: starts PostgreSQL, Redis, s3rver and
// kinesalite once (unless the environment names them), runs the command with their URLs in its
// environment, then stops them. Lets `pnpm test:integration` share one set across projects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backingEnv, startBackingServices } from '../lib/backing-services';
import { repoPath, runCommand, stopCurrentCommand } from '../lib/run-command';
import { Supervisor } from '../lib/supervisor';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: tsx scripts/test/with-backing-services.ts <command> [args...]');
  process.exit(2);
}

const supervisor = new Supervisor();
const dir = mkdtempSync(join(tmpdir(), 'shop-services-'));
const finish = async (code: number) => {
  await supervisor.stopAll();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
supervisor.onShutdownSignal((signal) => {
  stopCurrentCommand(signal);
  void finish(130);
});

try {
  const services = await startBackingServices(dir, supervisor);
  const env = { ...process.env, ...backingEnv(services), PATH: repoPath(ROOT) };
  await finish(await runCommand(command, args, { cwd: process.cwd(), env }));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await finish(1);
}
