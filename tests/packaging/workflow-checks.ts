// Checks on the GitHub workflows (.github/workflows): what they run and watch must exist in the
// repo. Every `pnpm <script>`, `npm run <script>` and `node scripts/bootstrap.mjs <script>` names a
// script of the package it runs in; `pnpm exec <bin>` a binary the workspace installs; every path
// filter, working-directory, local reusable workflow, vitest project and osls-compose service
// exists; deploy jobs assume a role through OIDC and no workflow handles long-lived AWS keys.
// Commands passed to a reusable workflow are checked where it runs them (`${{ inputs.x }}`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Finding } from './template-checks';

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}

export interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
  permissions?: Record<string, string> | string;
  environment?: string | { name?: string };
  concurrency?: string | { group?: string; 'cancel-in-progress'?: unknown; queue?: string };
  if?: string;
  'runs-on'?: unknown;
  defaults?: { run?: { 'working-directory'?: string } };
}

export interface Workflow {
  name?: string;
  on?: Record<string, unknown> | string | string[];
  permissions?: Record<string, string> | string;
  jobs?: Record<string, Job>;
}

/** What a check needs to know about the repository; tests pass a made-up one. */
export interface Repo {
  root: string;
  /** Workspace packages by name -> folder (relative to root), root package under its own name. */
  packages: Map<string, string>;
  scripts: (folder: string) => Record<string, string>;
  exists: (path: string) => boolean;
  bins: Set<string>;
  vitestProjects: Set<string>;
  composeServices: Set<string>;
}

export function loadRepo(root: string, vitestProjects: string[]): Repo {
  const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
  const packages = new Map<string, string>([[readJson('package.json').name, '.']]);
  for (const parent of ['packages', 'services']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const manifest = join(parent, entry.name, 'package.json');
      if (entry.isDirectory() && existsSync(join(root, manifest)))
        packages.set(readJson(manifest).name, join(parent, entry.name));
    }
  }
  const compose = parse(readFileSync(join(root, 'serverless-compose.yml'), 'utf8')) as { services?: object };
  const binDir = join(root, 'node_modules', '.bin');
  return {
    root,
    packages,
    scripts: (folder) =>
      existsSync(join(root, folder, 'package.json'))
        ? (readJson(join(folder, 'package.json')).scripts ?? {})
        : {},
    exists: (path) => existsSync(join(root, path)),
    bins: new Set(existsSync(binDir) ? readdirSync(binDir) : []),
    vitestProjects: new Set(vitestProjects),
    composeServices: new Set(Object.keys(compose.services ?? {})),
  };
}

export function readWorkflows(root: string): Map<string, Workflow> {
  const dir = join(root, '.github', 'workflows');
  const workflows = new Map<string, Workflow>();
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    workflows.set(file, parse(readFileSync(join(dir, file), 'utf8')) as Workflow);
  }
  return workflows;
}

const PNPM_BUILTINS = new Set([
  'install',
  'i',
  'add',
  'remove',
  'update',
  'dlx',
  'why',
  'list',
  'ls',
  'store',
  'config',
  'audit',
  'outdated',
  'prune',
  'fetch',
  'publish',
  'pack',
]);

/**
 * Checks one workflow. `workflows` is every workflow of the repo (to follow local `uses:`).
 * Findings are `{ resource: '<file> <job>', problem }`.
 */
export function checkWorkflow(file: string, workflows: Map<string, Workflow>, repo: Repo): Finding[] {
  const findings: Finding[] = [];
  const workflow = workflows.get(file);
  const at = (job?: string) => (job ? `${file} ${job}` : file);
  if (!workflow || typeof workflow !== 'object' || !workflow.on || !workflow.jobs) {
    return [{ resource: file, problem: 'is not a workflow (needs `on` and `jobs`)' }];
  }

  for (const [event, filter] of Object.entries(
    typeof workflow.on === 'object' && !Array.isArray(workflow.on) ? workflow.on : {},
  )) {
    for (const key of ['paths', 'paths-ignore'] as const) {
      for (const path of asStrings((filter as Record<string, unknown> | null)?.[key])) {
        const prefix = fixedPrefix(path);
        if (prefix !== '' && !repo.exists(prefix)) {
          findings.push({
            resource: at(),
            problem: `on.${event}.${key} "${path}" names nothing in the repo (${prefix} does not exist)`,
          });
        }
      }
    }
  }

  const text = JSON.stringify(workflow);
  for (const secret of [
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'aws-secret-access-key',
    'aws-access-key-id',
    'AWS_SESSION_TOKEN',
  ]) {
    if (text.includes(secret))
      findings.push({
        resource: at(),
        problem: `handles long-lived AWS credentials (${secret}); deploy through OIDC`,
      });
  }

  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (job.uses) {
      findings.push(...checkCall(file, name, job, workflow, workflows, repo));
      continue;
    }
    findings.push(...checkSteps(at(name), job, {}, repo));
    findings.push(...checkDeployJob(at(name), job, workflow));
  }
  return findings;
}

/** A job that calls a reusable workflow: it exists, takes these inputs, and its steps work with them. */
function checkCall(
  file: string,
  name: string,
  job: Job,
  caller: Workflow,
  workflows: Map<string, Workflow>,
  repo: Repo,
): Finding[] {
  const where = `${file} ${name}`;
  const uses = job.uses ?? '';
  if (!uses.startsWith('./')) return [];
  const target = uses.replace(/^\.\/\.github\/workflows\//, '');
  const called = workflows.get(target);
  if (!repo.exists(uses.slice(2)) || !called) {
    return [{ resource: where, problem: `uses ${uses}, which does not exist` }];
  }
  const findings: Finding[] = [];
  const on = typeof called.on === 'object' && !Array.isArray(called.on) ? called.on : {};
  const declared = ((on.workflow_call ?? null) as { inputs?: Record<string, { required?: boolean }> } | null)
    ?.inputs;
  if (!('workflow_call' in on))
    findings.push({ resource: where, problem: `${uses} is not reusable (no on.workflow_call)` });
  const given = job.with ?? {};
  for (const key of Object.keys(given)) {
    if (!declared?.[key])
      findings.push({ resource: where, problem: `passes input ${key}, which ${uses} does not declare` });
  }
  for (const [key, input] of Object.entries(declared ?? {})) {
    if (input.required && given[key] === undefined)
      findings.push({ resource: where, problem: `does not pass required input ${key} of ${uses}` });
  }
  for (const [calledName, calledJob] of Object.entries(called.jobs ?? {})) {
    findings.push(...checkSteps(`${where} -> ${target} ${calledName}`, calledJob, given, repo));
    findings.push(...checkDeployJob(`${where} -> ${target} ${calledName}`, calledJob, called));
    // The caller must grant what the called job asks for: id-token cannot be raised inside.
    if (
      usesAwsCredentials(calledJob) &&
      permission(job.permissions ?? caller.permissions, 'id-token') !== 'write'
    ) {
      findings.push({
        resource: where,
        problem: `calls ${target}, whose job ${calledName} deploys, without granting permissions id-token: write`,
      });
    }
  }
  return findings;
}

function checkSteps(where: string, job: Job, inputs: Record<string, unknown>, repo: Repo): Finding[] {
  const findings: Finding[] = [];
  const defaultDir = job.defaults?.run?.['working-directory'];
  for (const step of job.steps ?? []) {
    const dir = step['working-directory'] ?? defaultDir ?? '.';
    if (!repo.exists(dir))
      findings.push({ resource: where, problem: `working-directory ${dir} does not exist` });
    if (step.uses?.startsWith('./') && !repo.exists(step.uses.slice(2))) {
      findings.push({ resource: where, problem: `step uses ${step.uses}, which does not exist` });
    }
    if (typeof step.run !== 'string') continue;
    const script = step.run.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, key: string) =>
      String(inputs[key] ?? ''),
    );
    for (const problem of checkCommands(script, dir, repo))
      findings.push({ resource: where, problem: `${step.name ?? 'step'}: ${problem}` });
  }
  return findings;
}

/** Problems with the commands of one `run:` script, run in `dir`. */
export function checkCommands(script: string, dir: string, repo: Repo): string[] {
  const problems: string[] = [];
  for (const command of script.split(/\n|&&|\|\||;|\|/)) {
    const words = command
      .trim()
      .split(/\s+/)
      .map((w) => w.replace(/^["']|["']$/g, ''))
      .filter(Boolean);
    if (words.length === 0) continue;
    const [tool = '', ...args] = words;
    if (tool === 'pnpm') problems.push(...checkPnpm(args, dir, repo));
    else if (tool === 'npm') problems.push(...checkNpm(args, dir, repo));
    else if (tool === 'node') {
      const [file, script] = args;
      if (file === undefined || file.startsWith('-')) continue;
      if (!repo.exists(join(dir, file))) problems.push(`node ${file}: no such file`);
      if (file.endsWith('bootstrap.mjs') && script && !(script in repo.scripts('.'))) {
        problems.push(`node ${file} ${script}: no root script "${script}"`);
      }
    } else if (/^\.{0,2}\//.test(tool) || tool.startsWith('.ci/')) {
      if (!repo.exists(join(dir, tool))) problems.push(`${tool}: no such file`);
    } else {
      problems.push(...checkTool(tool, args, repo));
    }
  }
  return problems;
}

function checkPnpm(args: string[], dir: string, repo: Repo): string[] {
  const folders: string[] = [];
  let rest = args;
  while (rest[0]?.startsWith('-')) {
    const [flag, value] = rest;
    if (['--filter', '-F'].includes(flag)) {
      const name = (value ?? '').replace(/^\^|\.\.\.$|^\.\.\./g, '').replace(/\.\.\.$/, '');
      const folder = repo.packages.get(name);
      if (!folder) return [`pnpm --filter ${value}: no workspace package ${name}`];
      folders.push(folder);
      rest = rest.slice(2);
    } else if (['--dir', '-C'].includes(flag)) {
      folders.push(join(dir, value ?? ''));
      rest = rest.slice(2);
    } else {
      rest = rest.slice(1);
    }
  }
  const [command, ...more] = rest;
  if (!command) return [];
  if (command === 'exec') return checkTool(more[0] ?? '', more.slice(1), repo, 'pnpm exec ');
  if (PNPM_BUILTINS.has(command)) return [];
  const script = command === 'run' ? more[0] : command;
  if (!script) return [];
  const targets = folders.length > 0 ? folders : [dir];
  return targets
    .filter((folder) => !(script in repo.scripts(folder)))
    .map((folder) => `pnpm ${script}: no script "${script}" in ${join(folder, 'package.json')}`);
}

function checkNpm(args: string[], dir: string, repo: Repo): string[] {
  const [command, script] = args;
  const name =
    command === 'run' || command === 'run-script'
      ? script
      : command === 'test' || command === 'start'
        ? command
        : undefined;
  if (!name) return [];
  return name in repo.scripts(dir)
    ? []
    : [`npm run ${name}: no script "${name}" in ${join(dir, 'package.json')}`];
}

/** Binaries the workspace installs, with the arguments that name things in the repo. */
function checkTool(tool: string, args: string[], repo: Repo, prefix = ''): string[] {
  const problems: string[] = [];
  const local = ['vitest', 'osls-compose', 'serverless', 'sls', 'osls', 'tsx', 'biome', 'tsc'];
  if (prefix && !repo.bins.has(tool)) problems.push(`${prefix}${tool}: not installed in node_modules/.bin`);
  if (!prefix && !local.includes(tool)) return problems;
  if (tool === 'vitest') {
    args.forEach((arg, index) => {
      const project = args[index + 1];
      if (arg === '--project' && project && !project.includes('*') && !repo.vitestProjects.has(project)) {
        problems.push(`vitest --project ${args[index + 1]}: no such project in vitest.workspace.ts`);
      }
    });
  }
  if (tool === 'osls-compose') {
    const target = args.find((arg) => !arg.startsWith('-'));
    const service = target?.includes(':') ? target.split(':')[0] : undefined;
    if (service && !service.startsWith('$') && !repo.composeServices.has(service)) {
      problems.push(`osls-compose ${target}: no service "${service}" in serverless-compose.yml`);
    }
  }
  if (tool === 'tsx' && args[0] && !repo.exists(args[0])) problems.push(`tsx ${args[0]}: no such file`);
  return problems;
}

/** A job that configures AWS credentials: OIDC role, id-token permission, an environment, no keys. */
function checkDeployJob(where: string, job: Job, workflow: Workflow): Finding[] {
  if (!usesAwsCredentials(job)) return [];
  const findings: Finding[] = [];
  if (permission(job.permissions ?? workflow.permissions, 'id-token') !== 'write') {
    findings.push({
      resource: where,
      problem: 'configures AWS credentials without permissions id-token: write (OIDC)',
    });
  }
  for (const step of job.steps ?? []) {
    if (!step.uses?.startsWith('aws-actions/configure-aws-credentials')) continue;
    if (!step.with?.['role-to-assume'])
      findings.push({ resource: where, problem: 'configure-aws-credentials without role-to-assume' });
  }
  if (!job.environment)
    findings.push({
      resource: where,
      problem: 'deploys without a GitHub environment (no approval or scoped variables possible)',
    });
  const concurrency = typeof job.concurrency === 'string' ? { group: job.concurrency } : job.concurrency;
  if (!concurrency?.group) findings.push({ resource: where, problem: 'deploys without a concurrency group' });
  else if (concurrency['cancel-in-progress'] === true)
    findings.push({
      resource: where,
      problem: 'a deploy may be cancelled half way (cancel-in-progress: true)',
    });
  else if (concurrency.queue !== 'max')
    findings.push({
      resource: where,
      problem: 'waiting deploys may be dropped (GitHub keeps one pending run per group unless queue: max)',
    });
  return findings;
}

export function usesAwsCredentials(job: Job): boolean {
  return (job.steps ?? []).some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
}

function permission(permissions: Job['permissions'], scope: string): string | undefined {
  if (permissions === 'write-all') return 'write';
  if (typeof permissions !== 'object' || !permissions) return undefined;
  return permissions[scope];
}

/** The part of a glob before its first wildcard, without a trailing slash: `services/catalog/**` -> `services/catalog`. */
export function fixedPrefix(glob: string): string {
  const pattern = glob.replace(/^!/, '');
  const wildcard = pattern.search(/[*?[{]/);
  const fixed = wildcard === -1 ? pattern : pattern.slice(0, wildcard);
  return wildcard === -1
    ? fixed.replace(/\/$/, '')
    : fixed.slice(0, fixed.lastIndexOf('/') + 1).replace(/\/$/, '');
}

function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The workspace folders a package depends on through `@shop/*`, transitively. */
export function workspaceDependencies(folder: string, repo: Repo): string[] {
  const seen = new Set<string>();
  const visit = (dir: string) => {
    const manifest = JSON.parse(readFileSync(join(repo.root, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
      const dep = repo.packages.get(name);
      if (dep && dep !== '.' && !seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(folder);
  return [...seen].sort();
}

/** The repo files a service's serverless.yml pulls in with `${file(../../resources/...)}`. */
export function includedResourceFiles(folder: string, repo: Repo): string[] {
  const path = join(repo.root, folder, 'serverless.yml');
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/\$\{file\(\.\.\/\.\.\/(resources\/[^):]+)\)/g)].flatMap((m) =>
    m[1] ? [m[1]] : [],
  );
}

/** Whether a path filter list covers a file or folder (`x/**` covers everything under x). */
export function pathsCover(filters: string[], path: string): boolean {
  return filters.some((filter) => {
    if (filter === path || filter === `${path}/**`) return true;
    const prefix = fixedPrefix(filter);
    return filter.endsWith('/**') && prefix !== '' && path.startsWith(`${prefix}/`);
  });
}
