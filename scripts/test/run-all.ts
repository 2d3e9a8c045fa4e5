// `npm test`, the whole suite and what CI runs. Steps run in order and the first failure stops
// the run: lint, typecheck, unit + integration tests (against PostgreSQL, Redis, s3rver and kinesalite started
// once here and shared by every project's global setup), packaging, packaging tests, end-to-end.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projects } from '../../vitest.workspace';
import { backingEnv, startBackingServices } from '../lib/backing-services';
import { ensureChromium } from '../lib/chromium';
import { repoPath, runCommand, stopCurrentCommand } from '../lib/run-command';
import { Supervisor } from '../lib/supervisor';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Projects that need `pnpm package` (or the whole stack) first; they get steps of their own. */
const LATE_PROJECTS = ['packaging', 'e2e', 'contract'];

const supervisor = new Supervisor();
const servicesDir = mkdtempSync(join(tmpdir(), 'shop-suite-'));
// Projects that call the API record every response here; the contract step checks them all.
const responseLogDir = join(servicesDir, 'responses');
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: repoPath(ROOT),
  SHOP_RESPONSE_LOG_DIR: responseLogDir,
};
let testEnv: NodeJS.ProcessEnv = baseEnv;

interface Step {
  name: string;
  run: () => Promise<number | undefined>;
}

const command =
  (bin: string, args: string[], env: () => NodeJS.ProcessEnv = () => baseEnv) =>
  () =>
    runCommand(bin, args, { cwd: ROOT, env: env() });

/**
 * A vitest run that also writes a JSON report, so the summary can count every test of the suite
 * and end on the plain `N passed, N failed` line that CI reads.
 */
const reports: string[] = [];
const vitest = (report: string, args: string[], env?: () => NodeJS.ProcessEnv) => {
  const file = join(servicesDir, `${report}.json`);
  reports.push(file);
  return command(
    'vitest',
    ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`],
    env,
  );
};

const countTests = (): { passed: number; failed: number; skipped: number } => {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const file of reports.filter((f) => existsSync(f))) {
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests;
    total.skipped += report.numPendingTests + report.numTodoTests;
  }
  return total;
};

const earlyProjects = projects
  .map((project) => project.test?.name)
  .filter((name): name is string => typeof name === 'string' && !LATE_PROJECTS.includes(name));

const steps: Step[] = [
  { name: 'lint (biome)', run: command('pnpm', ['lint']) },
  { name: 'typecheck', run: command('pnpm', ['typecheck']) },
  {
    name: 'start PostgreSQL, Redis and the AWS stand-ins',
    run: async () => {
      const services = await startBackingServices(servicesDir, supervisor);
      testEnv = { ...baseEnv, ...backingEnv(services) };
      return 0;
    },
  },
  {
    name: 'unit + integration tests',
    run: vitest(
      'unit-integration',
      earlyProjects.flatMap((name) => ['--project', name]),
      () => testEnv,
    ),
  },
  {
    // Frees memory and CPU for the end-to-end test, which starts a stack of its own.
    name: 'stop PostgreSQL, Redis and the AWS stand-ins',
    run: async () => {
      await supervisor.stopAll();
      return 0;
    },
  },
  { name: 'package every service (osls-compose)', run: command('pnpm', ['package']) },
  { name: 'packaging tests', run: vitest('packaging', ['--project', 'packaging']) },
  {
    // The browser tests drive Debian's Chromium (playwright-core cannot download one here).
    name: 'Chromium for the browser tests',
    run: async () => (ensureChromium((line) => console.log(line)) ? 0 : 1),
  },
  // One file at a time: each starts a whole shop, and two starting at once compete for ports and CPU.
  {
    name: 'end-to-end tests (npm start)',
    run: vitest('e2e', ['--project', 'e2e', '--no-file-parallelism']),
  },
  {
    name: 'responses against the OpenAPI document',
    run: vitest('contract', ['--project', 'contract']),
  },
];

const results: Array<{ name: string; seconds: number; ok: boolean }> = [];

async function finish(code: number): Promise<never> {
  await supervisor.stopAll();
  printSummary(code);
  rmSync(servicesDir, { recursive: true, force: true });
  process.exit(code);
}

function printSummary(code: number): void {
  console.log('\n== test summary ==');
  for (const result of results) {
    console.log(`${result.ok ? 'ok  ' : 'FAIL'}  ${result.seconds.toFixed(1).padStart(6)} s  ${result.name}`);
  }
  for (const step of steps.slice(results.length)) console.log(`skip            ${step.name}`);
  const total = results.reduce((sum, result) => sum + result.seconds, 0);
  console.log(
    code === 0 ? `passed in ${total.toFixed(1)} s` : `FAILED (exit ${code}) after ${total.toFixed(1)} s`,
  );
  const tests = countTests();
  console.log(
    `tests: ${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ''}`,
  );
}

supervisor.onShutdownSignal((signal) => {
  stopCurrentCommand(signal);
  void finish(130);
});

for (const step of steps) {
  console.log(`\n== ${step.name} ==`);
  const started = Date.now();
  let code: number;
  try {
    code = (await step.run()) ?? 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    code = 1;
  }
  results.push({ name: step.name, seconds: (Date.now() - started) / 1000, ok: code === 0 });
  if (code !== 0) await finish(code);
}
await finish(0);
