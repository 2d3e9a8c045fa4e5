// Deploy order and regions (issue 15, blockers 4 and 5). A stack reads values other stacks write:
// SSM parameters (SSM-typed template parameters, `{{resolve:ssm:...}}`), Secrets Manager secrets
// (`{{resolve:secretsmanager:...}}`) and exports (Fn::ImportValue). On a fresh stage each must be
// written, IN THE READER'S REGION, by a stack deployed before the reader, in every way the stage
// gets deployed: `osls-compose deploy` (a stack waits only for its dependsOn, transitively) and
// every deploy job of every workflow (only what that job, or a job it needs, deployed first).

import type { Finding, Template } from './template-checks';
import type { Job, Workflow } from './workflow-checks';

export interface ComposeStack {
  name: string;
  path: string;
  dependsOn: string[];
  /** Pinned in serverless-compose.yml (edge: us-east-1); otherwise the stage's region. */
  region?: string;
}

export function composeStacks(compose: {
  services?: Record<string, { path?: string; dependsOn?: string[]; region?: string }>;
}): ComposeStack[] {
  return Object.entries(compose.services ?? {}).map(([name, s]) => ({
    name,
    path: String(s.path ?? '')
      .replace(/^\.\//, '')
      .replace(/\/$/, ''),
    dependsOn: s.dependsOn ?? [],
    region: s.region,
  }));
}

/** A value a stack reads or writes: `ssm:/shop/dev/...`, `secret:shop/dev/...`, `export:Name`. */
interface Value {
  key: string;
  region: string;
}

const AWS_PUBLIC = /^ssm:\/aws\//;

/** What one packaged template reads and writes, with the region each happens in. */
export function valuesOf(template: Template, region: string): { reads: Value[]; writes: Value[] } {
  const reads: Value[] = [];
  const writes: Value[] = [];
  for (const parameter of Object.values(template.Parameters ?? {}) as Array<{
    Type?: string;
    Default?: unknown;
  }>) {
    if (
      String(parameter.Type ?? '').startsWith('AWS::SSM::Parameter::Value') &&
      typeof parameter.Default === 'string'
    ) {
      reads.push({ key: `ssm:${parameter.Default}`, region });
    }
  }
  const text = JSON.stringify(template);
  for (const [, kind, name] of text.matchAll(/\{\{resolve:(ssm|secretsmanager):([^:}]+)/g)) {
    // `${Secret}` inside Fn::Sub is the stack's own resource, not something another stack writes.
    if (name?.includes('${')) continue;
    reads.push({ key: `${kind === 'ssm' ? 'ssm' : 'secret'}:${name}`, region });
  }
  for (const [, name] of text.matchAll(/"Fn::ImportValue":"([^"]+)"/g))
    reads.push({ key: `export:${name}`, region });
  for (const resource of Object.values(template.Resources ?? {})) {
    const properties = (resource.Properties ?? {}) as Record<string, unknown>;
    if (resource.Type === 'AWS::SSM::Parameter' && typeof properties.Name === 'string') {
      writes.push({ key: `ssm:${properties.Name}`, region });
    }
    if (resource.Type === 'AWS::SecretsManager::Secret' && typeof properties.Name === 'string') {
      writes.push({ key: `secret:${properties.Name}`, region });
    }
    // resources/dns-edge.yml: parameters written into another region by a custom resource.
    if (resource.Type === 'Custom::StageRegionParameters' && typeof properties.Region === 'string') {
      for (const entry of (properties.Parameters ?? []) as Array<{ Name?: unknown }>) {
        if (typeof entry.Name === 'string')
          writes.push({ key: `ssm:${entry.Name}`, region: properties.Region });
      }
    }
  }
  for (const output of Object.values(template.Outputs ?? {}) as Array<{ Export?: { Name?: unknown } }>) {
    if (typeof output.Export?.Name === 'string') writes.push({ key: `export:${output.Export.Name}`, region });
  }
  const unique = new Map(reads.filter((r) => !AWS_PUBLIC.test(r.key)).map((r) => [r.key, r]));
  return { reads: [...unique.values()], writes };
}

/** The stacks a compose stack waits for, transitively. */
export function ancestors(stacks: ComposeStack[], name: string): Set<string> {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const visit = (n: string) => {
    for (const dep of byName.get(n)?.dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return seen;
}

export interface Deployment {
  /** Where this way of deploying is written, e.g. `osls-compose deploy` or `deploy.yml deploy-prod`. */
  path: string;
  /** The stage's region in this scenario. */
  region: string;
  /** Stacks deployed, each with the stacks certainly deployed before it in this path. */
  order: Array<{ stack: string; before: Set<string> }>;
}

/**
 * Every read of every deployed stack must be written by a stack in `before`, in the region the
 * reader runs in. `templates` is by compose name; a stack without a template reads nothing.
 */
export function checkDeployment(
  deployment: Deployment,
  stacks: ComposeStack[],
  templates: Map<string, Template>,
): Finding[] {
  const regionOf = (name: string) => stacks.find((s) => s.name === name)?.region ?? deployment.region;
  const io = new Map(
    stacks.map((s) => [s.name, valuesOf(templates.get(s.name) ?? {}, regionOf(s.name))] as const),
  );
  const findings: Finding[] = [];
  for (const { stack, before } of deployment.order) {
    const own = io.get(stack);
    for (const read of own?.reads ?? []) {
      if (own?.writes.some((w) => w.key === read.key && w.region === read.region)) continue;
      const ok = [...before].some((w) =>
        io.get(w)?.writes.some((write) => write.key === read.key && write.region === read.region),
      );
      if (ok) continue;
      const writers = stacks
        .filter((s) => io.get(s.name)?.writes.some((w) => w.key === read.key))
        .map((s) => {
          const where = io.get(s.name)?.writes.find((w) => w.key === read.key)?.region;
          return `${s.name} (${where})`;
        });
      findings.push({
        resource: `${deployment.path} [${deployment.region}] ${stack}`,
        problem: `reads ${read.key} in ${read.region}, ${
          writers.length === 0
            ? 'which no stack writes'
            : `written by ${writers.join(', ')}, not deployed before it there`
        }`,
      });
    }
  }
  return findings;
}

/** `osls-compose deploy`: each stack after its dependsOn, transitively, and nothing else is certain. */
export function composeDeployment(stacks: ComposeStack[], region: string): Deployment {
  return {
    path: 'osls-compose deploy',
    region,
    order: stacks.map((s) => ({ stack: s.name, before: ancestors(stacks, s.name) })),
  };
}

/** The stage a job deploys: STAGE in its env or a step's env, or a literal `--stage x`. */
const stageOf = (job: Job & { env?: Record<string, unknown> }): string => {
  const text = JSON.stringify(job);
  const fromEnv = /"STAGE":"([a-z]+)"/.exec(text)?.[1];
  const literal = /--stage\s+"?([a-z]+)"?/.exec(text)?.[1];
  return String(job.env?.STAGE ?? fromEnv ?? literal ?? '?');
};

/** The deploy commands of a job's steps, in order (`inputs.x` already substituted). */
function deployCommands(job: Job, inputs: Record<string, unknown>): string[] {
  return (job.steps ?? []).flatMap((step) =>
    String(step.run ?? '')
      .replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, key: string) => String(inputs[key] ?? ''))
      .split(/\n|&&|;/)
      .map((line) => line.trim())
      .filter((line) => /\b(osls-compose|serverless|sls)\b.*\bdeploy\b/.test(line)),
  );
}

/**
 * The deployments the workflows perform: one per job that deploys (directly or through a reusable
 * workflow), on a fresh stage. Jobs it `needs` that deployed the same stage count as before it.
 */
export function workflowDeployments(
  workflows: Map<string, Workflow>,
  stacks: ComposeStack[],
  region: string,
): { deployments: Deployment[]; findings: Finding[] } {
  const deployments: Deployment[] = [];
  const findings: Finding[] = [];
  for (const [file, workflow] of workflows) {
    type Unit = { stage: string; stacks: string[] | 'all' };
    const jobs = new Map<string, { needs: string[]; units: Unit[]; production: boolean }>();
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      const callee = job.uses?.startsWith('./')
        ? workflows.get(job.uses.replace(/^\.\/\.github\/workflows\//, ''))
        : undefined;
      const bodies: Array<Job & { env?: Record<string, unknown> }> = callee
        ? Object.values(callee.jobs ?? {})
        : [job];
      const units: Unit[] = [];
      let production = false;
      for (const body of bodies) {
        const environment = typeof body.environment === 'string' ? body.environment : body.environment?.name;
        if (environment === 'production') production = true;
        for (const command of deployCommands(body, job.with ?? {})) {
          const stage = command.includes('$STAGE')
            ? stageOf(body)
            : (/--stage\s+"?([a-z]+)/.exec(command)?.[1] ?? '?');
          const target = /osls-compose\s+(?:--\S+\s+)*([\w-]+):deploy/.exec(command)?.[1];
          if (/osls-compose\s+deploy\b/.test(command)) units.push({ stage, stacks: 'all' });
          else if (target) units.push({ stage, stacks: [target] });
          else
            findings.push({
              resource: `${file} ${name}`,
              problem: `deploys with "${command}", whose order nothing here can check`,
            });
        }
      }
      const needs = (job as { needs?: string | string[] }).needs;
      jobs.set(name, { needs: typeof needs === 'string' ? [needs] : (needs ?? []), units, production });
    }
    const earlier = (name: string, stage: string, seen = new Set<string>()): Set<string> => {
      const done = new Set<string>();
      for (const need of jobs.get(name)?.needs ?? []) {
        if (seen.has(need)) continue;
        seen.add(need);
        for (const s of earlier(need, stage, seen)) done.add(s);
        for (const unit of jobs.get(need)?.units ?? []) {
          if (unit.stage !== stage) continue;
          for (const s of unit.stacks === 'all' ? stacks.map((x) => x.name) : unit.stacks) done.add(s);
        }
      }
      return done;
    };
    const deploysStage = (name: string, stage: string, seen = new Set<string>()): boolean =>
      (jobs.get(name)?.needs ?? []).some((need) => {
        if (seen.has(need)) return false;
        seen.add(need);
        return (
          (jobs.get(need)?.units ?? []).some((u) => u.stage === stage) || deploysStage(need, stage, seen)
        );
      });
    for (const [name, job] of jobs) {
      if (job.units.length === 0) continue;
      if (job.production && !deploysStage(name, 'staging')) {
        findings.push({
          resource: `${file} ${name}`,
          problem: 'deploys to production without needing a successful staging deploy',
        });
      }
      for (const stage of new Set(job.units.map((u) => u.stage))) {
        const before = earlier(name, stage);
        const order: Deployment['order'] = [];
        for (const unit of job.units.filter((u) => u.stage === stage)) {
          const deployed = unit.stacks === 'all' ? stacks.map((s) => s.name) : unit.stacks;
          for (const stack of deployed) {
            const within = unit.stacks === 'all' ? ancestors(stacks, stack) : new Set<string>();
            order.push({ stack, before: new Set([...before, ...within]) });
          }
          for (const stack of deployed) before.add(stack);
        }
        deployments.push({ path: `${file} ${name} (${stage})`, region, order });
      }
    }
  }
  return { deployments, findings };
}

/** Fn::FindInMap keyed by the region: a table of regions breaks in the first region it lacks. */
export function checkRegionTables(template: Template): Finding[] {
  const findings: Finding[] = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, where);
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'Fn::FindInMap' && JSON.stringify(child).includes('"Ref":"AWS::Region"')) {
          findings.push({
            resource: where,
            problem: `looks a value up by region in mapping ${JSON.stringify((child as unknown[])[0])}`,
          });
        }
        visit(child, where);
      }
    }
  };
  for (const [id, resource] of Object.entries(template.Resources ?? {})) visit(resource, id);
  return findings;
}
