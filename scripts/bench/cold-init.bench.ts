// Cold init: for every packaged function, a fresh Node process that loads the deployed bundle and
// answers one real request (building its database, Redis and S3 clients on the way), against the
// same process loading an empty handler. Runs alternate function, empty, function, empty... so
// both sides see the same machine state, and the ratio of medians is what the target is about.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiGatewayEvent } from '@shop/lambda-kit/testing';
import type { BenchStack } from './bench.stack';
import type { BenchContext, Benchmark, BenchOutcome, BenchRow } from './benchmark';
import { coldInitRequests, coldInitTargets, localFunctionEnvironment } from './cold-init.functions';
import { type FunctionBundle, listFunctionBundles, packageServices, stalenessOf } from './function.bundles';
import { median, round } from './stats';
import { extractZip } from './zip.reader';

const CHILD_SCRIPT = fileURLToPath(new URL('./cold-start.child.cjs', import.meta.url));
const EMPTY_HANDLER = 'exports.handler = async () => ({ statusCode: 200 });\n';
const CHILD_TIMEOUT_MS = 30_000;
const KIB = 1024;
const SOURCE_MAPS_FLAG = '--enable-source-maps';

export const benchmark: Benchmark = {
  name: 'cold-init',
  method:
    'Runs `pnpm package` first when a bundle is missing or older than any source (or with `--package`). ' +
    'Each function zip of `services/<service>/.serverless` is extracted to `bench/.tmp`. A run is a new ' +
    '`node` process (the Node 22 running the benchmark), started in the extracted folder with the ' +
    "function's deployed environment (provider and function variables, `NODE_OPTIONS` included) where the " +
    'AWS resources are replaced by the local PostgreSQL, Redis and s3rver, tracing and metrics are off and ' +
    'the log level is ERROR. It `require`s the handler module and invokes it once with an API Gateway REST ' +
    'event for a request that succeeds (e.g. `GET /products/{id}` of a seeded product; admin routes with admin ' +
    'claims and data made for them), then exits. "First response" is `performance.now()` when the ' +
    "handler's promise resolved, i.e. milliseconds since the process started, Node's own start-up included; " +
    '"handler loaded" is the same clock right after `require`, i.e. the init-only time without an invocation. ' +
    'The baseline is an empty handler (`exports.handler = async () => ({ statusCode: 200 })`) run the same way ' +
    'with the same event and environment. After one discarded warm-up pair, function and empty runs alternate ' +
    '(A, B, A, B, ...); the table shows medians and the ratio of medians. For the functions with targets a ' +
    'third side joins the rotation: the same function with `--enable-source-maps` taken out of `NODE_OPTIONS`, ' +
    'which shows what reading the source map at load costs (diagnostic, no target). Read functions find their cache ' +
    'entries already filled by earlier runs, as a new container usually would. Bundle size is the handler ' +
    '`.js`/`.cjs` file inside the zip (1 KB = 1024 bytes); the zip size is in parentheses.',
  run,
};

interface ChildReport {
  readonly started: number;
  readonly loaded?: number;
  readonly responded?: number;
  readonly statusCode?: number;
  readonly body?: string;
  readonly error?: string;
}

interface Sample {
  /** Process start to the end of Node's own bootstrap (our script's first line). */
  readonly bootMs: number;
  /** Process start to the handler module loaded. */
  readonly loadedMs: number;
  /** Process start to the first response; undefined when the function was not invoked. */
  readonly respondedMs: number | undefined;
  /** As seen by the parent: spawn to exit. */
  readonly wallMs: number;
}

interface Target {
  readonly dir: string;
  readonly moduleFile: string;
  readonly exportName: string;
}

/** Starts one measured process and waits for its report. */
const measureOnce = (
  target: Target,
  eventJson: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const args = [CHILD_SCRIPT, target.moduleFile, target.exportName, ...(eventJson ? [eventJson] : [])];
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: target.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const output: Buffer[] = [];
    const reportChunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stdio[3]?.on('data', (chunk: Buffer) => reportChunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const printed = Buffer.concat(output).toString().trim().split('\n').slice(-15).join('\n');
      const fail = (why: string) =>
        reject(
          new Error(
            `${target.dir}/${target.moduleFile}: ${why}${printed ? `\n--- output ---\n${printed}` : ''}`,
          ),
        );
      const text = Buffer.concat(reportChunks).toString();
      if (!text) return fail(`exited (${signal ?? `code ${code}`}) without a report`);
      const report = JSON.parse(text) as ChildReport;
      if (report.error) return fail(report.error);
      if (report.loaded === undefined) return fail('no load time in the report');
      if (eventJson !== undefined) {
        const status = report.statusCode ?? 0;
        if (report.responded === undefined || status < 200 || status >= 300) {
          return fail(`answered ${status}: ${report.body ?? ''}`.trimEnd());
        }
      }
      resolve({ bootMs: report.started, loadedMs: report.loaded, respondedMs: report.responded, wallMs });
    });
  });

/** What Lambda sets for every function (LAMBDA_TASK_ROOT comes per run), plus the function's own (localised) environment. */
const lambdaEnvironment = (bundle: FunctionBundle, stack: BenchStack): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  LANG: 'C.UTF-8',
  TZ: 'UTC',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: bundle.deployedName,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(bundle.memoryMiB),
  _HANDLER: bundle.handler,
  ...localFunctionEnvironment(bundle.environment, stack),
});

interface FunctionMeasurement {
  readonly key: string;
  readonly bundle: FunctionBundle;
  /** The zip, relative to the repository root. */
  readonly artifact: string;
  readonly invoked: boolean;
  readonly jsBytes: number;
  readonly zipBytes: number;
  readonly fn: Sample[];
  readonly empty: Sample[];
  /** The function again without `--enable-source-maps`, for functions with targets (diagnostic). */
  readonly withoutSourceMaps: Sample[] | undefined;
}

const hasSourceMapsFlag = (env: NodeJS.ProcessEnv): boolean =>
  (env.NODE_OPTIONS ?? '').split(/\s+/).includes(SOURCE_MAPS_FLAG);

const withoutSourceMapsFlag = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const { NODE_OPTIONS: options = '', ...rest } = env;
  const kept = options
    .split(/\s+/)
    .filter((option) => option !== '' && option !== SOURCE_MAPS_FLAG)
    .join(' ');
  return kept === '' ? rest : { ...rest, NODE_OPTIONS: kept };
};

async function ensureFreshBundles(ctx: BenchContext): Promise<Record<string, unknown>> {
  const reason = ctx.options.repackage ? 'asked for with --package' : stalenessOf(ctx.root);
  if (!reason) {
    ctx.log('bundles are newer than their sources: not repackaging');
    return { ran: false };
  }
  ctx.log(`packaging every service with pnpm package (${reason})`);
  const started = Date.now();
  try {
    await packageServices(ctx.root);
  } catch (error) {
    // Someone may be half-way through an edit; bundles that exist can still be measured, and the
    // report says they may be stale.
    const message = error instanceof Error ? error.message : String(error);
    listFunctionBundles(ctx.root); // throws when there is nothing to measure at all
    ctx.log(`WARNING: ${message}\nmeasuring the bundles from the last successful packaging`);
    return { ran: true, reason, ok: false, error: message };
  }
  const seconds = (Date.now() - started) / 1000;
  ctx.log(`packaged in ${seconds.toFixed(1)} s`);
  return { ran: true, reason, ok: true, seconds: round(seconds, 1) };
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const packaging = await ensureFreshBundles(ctx);
  const workDir = join(ctx.tmpDir, 'cold-init');
  rmSync(workDir, { recursive: true, force: true });
  const emptyDir = join(workDir, '_empty');
  mkdirSync(emptyDir, { recursive: true });
  // Lambda's task root has no package.json above it; ours would be the repo's `"type": "module"`,
  // which makes Node read the CommonJS bundles as ES modules.
  writeFileSync(join(workDir, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(join(emptyDir, 'handler.js'), EMPTY_HANDLER);
  const empty: Target = { dir: emptyDir, moduleFile: 'handler.js', exportName: 'handler' };

  // Extract everything before measuring anything: a `pnpm package` started elsewhere meanwhile
  // then cannot pull a zip from under a half-finished measurement.
  const extracted = listFunctionBundles(ctx.root).map((bundle) => {
    const dir = join(workDir, bundle.service, bundle.name);
    const js = extractZip(bundle.artifact, dir).find(
      (entry) =>
        /^\.[cm]?js$/.test(entry.name.slice(bundle.moduleFile.length)) &&
        entry.name.startsWith(bundle.moduleFile),
    );
    if (!js) throw new Error(`${bundle.artifact} has no ${bundle.moduleFile}.js/.cjs`);
    return {
      bundle: { ...bundle, moduleFile: js.name },
      dir,
      jsBytes: js.size,
      zipBytes: statSync(bundle.artifact).size,
    };
  });

  const measurements: FunctionMeasurement[] = [];
  for (const { bundle, dir, jsBytes, zipBytes } of extracted) {
    const key = `${bundle.service}.${bundle.name}`;
    const request = coldInitRequests[key];
    const env = lambdaEnvironment(bundle, ctx.stack);
    const target: Target = { dir, moduleFile: bundle.moduleFile, exportName: bundle.exportName };
    const eventFor = async (runIndex: number) =>
      request ? JSON.stringify(apiGatewayEvent(await request(ctx.stack, runIndex))) : undefined;

    // With source maps on, Node reads and parses the whole .map while loading the bundle; for the
    // functions with targets, a third interleaved side shows what that costs.
    const diagnose = coldInitTargets[key] !== undefined && hasSourceMapsFlag(env);
    const runs = ctx.options.coldRuns;

    const fn: Sample[] = [];
    const baseline: Sample[] = [];
    const noMaps: Sample[] = [];
    // Run 0 is the warm-up: it fills the page cache (and the read functions' Redis entries).
    for (let runIndex = 0; runIndex <= runs; runIndex += 1) {
      const event = await eventFor(runIndex);
      const a = await measureOnce(target, event, { ...env, LAMBDA_TASK_ROOT: dir });
      const b = await measureOnce(empty, event, { ...env, LAMBDA_TASK_ROOT: emptyDir });
      const c = diagnose
        ? await measureOnce(
            target,
            await eventFor(runs + 1 + runIndex),
            withoutSourceMapsFlag({ ...env, LAMBDA_TASK_ROOT: dir }),
          )
        : undefined;
      if (runIndex > 0) {
        fn.push(a);
        baseline.push(b);
        if (c) noMaps.push(c);
      }
    }
    const measurement = {
      key,
      bundle,
      artifact: relative(ctx.root, bundle.artifact),
      invoked: request !== undefined,
      jsBytes,
      zipBytes,
      fn,
      empty: baseline,
      withoutSourceMaps: diagnose ? noMaps : undefined,
    };
    measurements.push(measurement);
    ctx.log(describe(measurement));
  }
  return {
    rows: measurements.flatMap(rowsOf),
    raw: {
      packaging,
      runsPerSide: ctx.options.coldRuns,
      node: process.version,
      functions: Object.fromEntries(measurements.map((m) => [m.key, rawOf(m)])),
    },
  };
}

const endToEnd = (sample: Sample): number => sample.respondedMs ?? sample.loadedMs;

const describe = (m: FunctionMeasurement): string => {
  const part = (samples: Sample[], pick: (s: Sample) => number) => median(samples.map(pick)).toFixed(1);
  const parts = (samples: Sample[]) =>
    `boot ${part(samples, (s) => s.bootMs)} ms, loaded ${part(samples, (s) => s.loadedMs)} ms` +
    (m.invoked ? `, responded ${part(samples, endToEnd)} ms` : '');
  return `${m.key}: ${parts(m.fn)} | empty: ${parts(m.empty)} | ${(m.jsBytes / KIB).toFixed(1)} KB`;
};

function rowsOf(m: FunctionMeasurement): BenchRow[] {
  const target = coldInitTargets[m.key];
  const label = `${m.bundle.service}/${m.bundle.name}`;
  const fnMedian = median(m.fn.map(endToEnd));
  const emptyMedian = median(m.empty.map(endToEnd));
  const ratio = fnMedian / emptyMedian;
  const loadedRatio = median(m.fn.map((s) => s.loadedMs)) / median(m.empty.map((s) => s.loadedMs));
  const kib = m.jsBytes / KIB;
  const rows: BenchRow[] = [
    {
      measurement: m.invoked
        ? `cold start ${label}: process start → first response`
        : `cold start ${label}: process start → handler loaded (no request defined)`,
      value: { amount: fnMedian, unit: 'ms' },
      baseline: { amount: emptyMedian, unit: 'ms', note: 'empty handler' },
      ratio,
      ...(target ? { target: `<= ${target.maxRatio}x empty`, met: ratio <= target.maxRatio } : {}),
    },
  ];
  if (m.invoked) {
    rows.push({
      measurement: `cold init ${label}: process start → handler loaded (init only)`,
      value: { amount: median(m.fn.map((s) => s.loadedMs)), unit: 'ms' },
      baseline: { amount: median(m.empty.map((s) => s.loadedMs)), unit: 'ms', note: 'empty handler' },
      ratio: loadedRatio,
    });
  }
  if (m.withoutSourceMaps) {
    const noMapsMedian = median(m.withoutSourceMaps.map(endToEnd));
    rows.push({
      measurement: `cold start ${label}: same without ${SOURCE_MAPS_FLAG} (diagnostic)`,
      value: { amount: noMapsMedian, unit: 'ms' },
      baseline: { amount: emptyMedian, unit: 'ms', note: 'empty handler' },
      ratio: noMapsMedian / emptyMedian,
    });
  }
  rows.push({
    measurement: `bundle ${label}: ${m.bundle.moduleFile.split('/').at(-1)}`,
    value: { amount: round(kib, 1), unit: 'KB', note: `zip ${(m.zipBytes / KIB).toFixed(1)} KB` },
    ...(target ? { target: `<= ${target.maxBundleKiB} KB`, met: kib <= target.maxBundleKiB } : {}),
  });
  return rows;
}

function rawOf(m: FunctionMeasurement): Record<string, unknown> {
  const side = (samples: Sample[]) => ({
    medianBootMs: round(median(samples.map((s) => s.bootMs)), 2),
    medianLoadedMs: round(median(samples.map((s) => s.loadedMs)), 2),
    ...(m.invoked ? { medianFirstResponseMs: round(median(samples.map(endToEnd)), 2) } : {}),
    medianWallMs: round(median(samples.map((s) => s.wallMs)), 2),
    samples: samples.map((s) => ({
      bootMs: round(s.bootMs, 2),
      loadedMs: round(s.loadedMs, 2),
      ...(s.respondedMs === undefined ? {} : { firstResponseMs: round(s.respondedMs, 2) }),
      wallMs: round(s.wallMs, 2),
    })),
  });
  const target = coldInitTargets[m.key];
  return {
    artifact: m.artifact,
    handler: m.bundle.handler,
    invoked: m.invoked,
    jsBytes: m.jsBytes,
    jsKiB: round(m.jsBytes / KIB, 1),
    zipBytes: m.zipBytes,
    zipKiB: round(m.zipBytes / KIB, 1),
    ratio: round(median(m.fn.map(endToEnd)) / median(m.empty.map(endToEnd))),
    initOnlyRatio: round(median(m.fn.map((s) => s.loadedMs)) / median(m.empty.map((s) => s.loadedMs))),
    ...(target ? { target } : {}),
    function: side(m.fn),
    empty: side(m.empty),
    ...(m.withoutSourceMaps ? { functionWithoutSourceMaps: side(m.withoutSourceMaps) } : {}),
  };
}
