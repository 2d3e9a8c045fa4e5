// The deployable function bundles: made fresh with `pnpm package` when any source is newer than
// them, then found through each service's `.serverless/serverless-state.json`, which names every
// function's artifact, handler and environment exactly as CloudFormation will get them.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoPath } from '../lib/run-command';

export interface FunctionBundle {
  /** The service's key in serverless-compose.yml, e.g. `catalog`. */
  readonly service: string;
  /** The function's key in serverless.yml, e.g. `getProduct`. */
  readonly name: string;
  /** The deployed function name, e.g. `shop-catalog-dev-getProduct`. */
  readonly deployedName: string;
  /** Absolute path of the zip serverless uploads. */
  readonly artifact: string;
  /** The handler module inside the zip, e.g. `src/handlers/get-product.js`. */
  /** The handler module without extension (`src/handlers/get-product`); the zip says .js or .cjs. */
  readonly moduleFile: string;
  readonly exportName: string;
  /** `handler` exactly as configured, e.g. `src/handlers/get-product.handler`. */
  readonly handler: string;
  /** Provider-wide environment merged with the function's own, as deployed. */
  readonly environment: Record<string, string>;
  readonly memoryMiB: number;
}

interface ServerlessState {
  service: {
    provider: { environment?: Record<string, unknown>; memorySize?: number };
    functions: Record<
      string,
      {
        handler?: string;
        name: string;
        memorySize?: number;
        environment?: Record<string, unknown>;
        package?: { artifact?: string };
      }
    >;
  };
}

// Build output and tests never end up in a bundle; everything else in a service or package might.
const NOT_SOURCES = new Set([
  'node_modules',
  '.serverless',
  '.esbuild',
  'tests',
  'coverage',
  'dist',
  '.turbo',
]);

/** Services of serverless-compose.yml, by name, with their folders. */
export const composedServices = (root: string): Array<{ service: string; dir: string }> => {
  const compose = parse(readFileSync(join(root, 'serverless-compose.yml'), 'utf8')) as {
    services?: Record<string, { path: string }>;
  };
  return Object.entries(compose.services ?? {}).map(([service, { path }]) => ({
    service,
    dir: join(root, path),
  }));
};

const readState = (serviceDir: string): ServerlessState | undefined => {
  const file = join(serviceDir, '.serverless', 'serverless-state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ServerlessState) : undefined;
};

const stringValues = (record: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, String(value)]));

/** Every packaged function of every composed service. Throws when a service was never packaged. */
export const listFunctionBundles = (root: string): FunctionBundle[] =>
  composedServices(root).flatMap(({ service, dir }) => {
    const state = readState(dir);
    if (!state) throw new Error(`${service} has no .serverless/serverless-state.json: run pnpm package`);
    const provider = state.service.provider;
    return Object.entries(state.service.functions).flatMap(([name, fn]) => {
      // Functions without a handler (container images) have no bundle to load.
      if (!fn.handler || !fn.package?.artifact) return [];
      const dot = fn.handler.lastIndexOf('.');
      return [
        {
          service,
          name,
          deployedName: fn.name,
          artifact: join(dir, fn.package.artifact),
          moduleFile: fn.handler.slice(0, dot),
          exportName: fn.handler.slice(dot + 1),
          handler: fn.handler,
          environment: { ...stringValues(provider.environment), ...stringValues(fn.environment) },
          memoryMiB: fn.memorySize ?? provider.memorySize ?? 1024,
        },
      ];
    });
  });

const newestSource = (dir: string): { file: string; mtimeMs: number } => {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (NOT_SOURCES.has(entry.name)) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile()) {
        const { mtimeMs } = statSync(child);
        if (mtimeMs > newest.mtimeMs) newest = { file: child, mtimeMs };
      }
    }
  };
  visit(dir);
  return newest;
};

/** Why the bundles must be rebuilt, or undefined when every artifact is newer than every source. */
export const stalenessOf = (root: string): string | undefined => {
  const sources = [join(root, 'packages'), ...composedServices(root).map(({ dir }) => dir)].map(newestSource);
  for (const file of ['pnpm-lock.yaml', 'serverless-compose.yml']) {
    sources.push({ file: join(root, file), mtimeMs: statSync(join(root, file)).mtimeMs });
  }
  const newest = sources.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  let bundles: FunctionBundle[];
  try {
    bundles = listFunctionBundles(root);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  for (const bundle of bundles) {
    if (!existsSync(bundle.artifact)) return `${bundle.artifact} is missing`;
    if (statSync(bundle.artifact).mtimeMs < newest.mtimeMs) {
      return `${newest.file.slice(root.length + 1)} is newer than ${bundle.artifact.slice(root.length + 1)}`;
    }
  }
  return undefined;
};

/** Runs the root `pnpm package` (osls-compose), keeping its output unless it fails. */
export const packageServices = (root: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['package'], {
      cwd: root,
      env: { ...process.env, PATH: repoPath(root) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.join('').trimEnd().split('\n').slice(-25).join('\n');
      reject(new Error(`pnpm package failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
