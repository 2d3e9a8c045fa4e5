// `pnpm bench [name...] [--package] [--runs N] [--keep-tmp]`: starts a private PostgreSQL (migrated,
// seeded), Redis and s3rver, runs every `scripts/bench/<name>.bench.ts` (or the named ones) against
// them, prints one markdown table, writes bench/results.json and bench/results.md (full runs only),
// and stops everything it started. Targets that are not met are reported, not failed: the exit
// code is non-zero only when a benchmark could not run.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Supervisor } from '../lib/supervisor';
import { type BenchStack, startBenchStack } from './bench.stack';
import type { BenchContext, Benchmark } from './benchmark';
import { type BenchmarkResult, describeEnvironment, markdownTable, writeResults } from './results.writer';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const RESULTS_DIR = join(ROOT, 'bench');
const TMP_DIR = join(RESULTS_DIR, '.tmp');
const MIN_COLD_RUNS = 10;

const { values: flags, positionals: only } = parseArgs({
  allowPositionals: true,
  options: {
    package: { type: 'boolean', default: false },
    runs: { type: 'string', default: '15' },
    'keep-tmp': { type: 'boolean', default: false },
  },
});
const coldRuns = Number(flags.runs);
if (!Number.isInteger(coldRuns) || coldRuns < MIN_COLD_RUNS) {
  console.error(`--runs must be an integer of at least ${MIN_COLD_RUNS}`);
  process.exit(2);
}
if (!process.version.startsWith('v22.')) {
  console.error(
    `pnpm bench measures Lambda's Node 22 but runs on ${process.version}: put node_modules/.bin first on PATH`,
  );
  process.exit(2);
}

// The in-process benchmarks build real handlers, whose logger and metrics read these at import:
// the same settings the functions get locally (see cold-init.functions.ts).
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  POWERTOOLS_SERVICE_NAME: 'shop-bench',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(HERE)
    .filter((file) => file.endsWith('.bench.ts'))
    .sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(HERE, file)).href)) as { benchmark?: Benchmark };
    if (typeof module.benchmark?.run !== 'function') throw new Error(`${file} exports no \`benchmark\``);
    benchmarks.push(module.benchmark);
  }
  const unknown = only.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
    );
  }
  return only.length === 0 ? benchmarks : benchmarks.filter((benchmark) => only.includes(benchmark.name));
}

const supervisor = new Supervisor();
const servicesDir = mkdtempSync(join(tmpdir(), 'shop-bench-'));

let finishing: Promise<never> | undefined;
const finish = (code: number): Promise<never> => {
  finishing ??= (async () => {
    await supervisor.stopAll();
    rmSync(servicesDir, { recursive: true, force: true });
    if (!flags['keep-tmp']) rmSync(TMP_DIR, { recursive: true, force: true });
    process.exit(code);
  })();
  return finishing;
};
supervisor.onShutdownSignal(() => void finish(130));

const startedAt = Date.now();
const results: BenchmarkResult[] = [];
try {
  const benchmarks = await loadBenchmarks();
  mkdirSync(TMP_DIR, { recursive: true });
  const stack: BenchStack = await startBenchStack(servicesDir, supervisor);
  for (const benchmark of benchmarks) {
    const ctx: BenchContext = {
      root: ROOT,
      tmpDir: TMP_DIR,
      stack,
      options: { repackage: flags.package, coldRuns },
      log: (message) => supervisor.log(`bench:${benchmark.name}`, message),
    };
    ctx.log('running');
    const started = Date.now();
    try {
      const outcome = await benchmark.run(ctx);
      results.push({
        name: benchmark.name,
        method: benchmark.method,
        seconds: (Date.now() - started) / 1000,
        outcome,
      });
    } catch (error) {
      // Ctrl-C stops the services under a running benchmark; its failure is then no news.
      if (finishing) await finishing;
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`FAILED: ${message}`);
      results.push({
        name: benchmark.name,
        method: benchmark.method,
        seconds: (Date.now() - started) / 1000,
        error: message,
      });
    }
  }
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  await finish(1);
}

if (finishing) await finishing;
console.log(`\n${markdownTable(results)}\n`);
const took = `${results.length} benchmark(s) in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`;
if (only.length === 0) {
  const written = writeResults(RESULTS_DIR, describeEnvironment(), results);
  const shown = (file: string) => relative(ROOT, file);
  console.log(`${took}; results in ${shown(written.jsonFile)} and ${shown(written.markdownFile)}`);
} else {
  // The published results always come from one complete run, never from a mix of runs.
  console.log(`${took}; bench/results.* left unchanged (only a full \`pnpm bench\` writes them)`);
}
await finish(results.some((result) => result.error !== undefined) ? 1 : 0);
