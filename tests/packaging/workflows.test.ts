// The GitHub workflows: every one parses and names only scripts, binaries, paths, projects and
// stacks that exist; each service has a pipeline watching its own code and everything it is built
// from; deploys go through OIDC with an approval for prod. The checker itself is shown to fail on
// fixtures/workflows/bad-service.yml first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { projects } from '../../vitest.workspace';
import { ROOT } from './packaged-stacks';
import {
  checkWorkflow,
  fixedPrefix,
  includedResourceFiles,
  type Job,
  loadRepo,
  pathsCover,
  readWorkflows,
  type Workflow,
  workspaceDependencies,
} from './workflow-checks';

const repo = loadRepo(
  ROOT,
  projects.map((project) => project.test?.name).filter((name): name is string => typeof name === 'string'),
);
const workflows = readWorkflows(ROOT);
const services = [...repo.packages.values()].filter((folder) => folder.startsWith('services/'));

describe('the workflow checker', () => {
  const fixture = (name: string) =>
    parse(readFileSync(new URL(`./fixtures/workflows/${name}`, import.meta.url), 'utf8')) as Workflow;
  const fixtures = new Map([
    ['bad-service.yml', fixture('bad-service.yml')],
    ['reusable.yml', fixture('reusable.yml')],
  ]);
  // The fixtures' reusable workflow lives under fixtures/, not .github/workflows.
  const fixtureRepo = {
    ...repo,
    exists: (path: string) => path === '.github/workflows/reusable.yml' || repo.exists(path),
  };
  const problems = checkWorkflow('bad-service.yml', fixtures, fixtureRepo).map(
    (f) => `${f.resource}: ${f.problem}`,
  );
  const expectProblem = (pattern: RegExp) => expect(problems).toContainEqual(expect.stringMatching(pattern));

  test('reports path filters and working directories that name nothing', () => {
    expectProblem(/on.push.paths "services\/ghost\/\*\*" names nothing/);
    expectProblem(/on.pull_request.paths "missing-file.yaml" names nothing/);
    expectProblem(/working-directory services\/ghost does not exist/);
    expect(problems.join('\n')).not.toMatch(/services\/catalog\/\*\*|packages\/domain\/src/);
  });

  test('reports scripts that no package.json has, by the package the command runs in', () => {
    expectProblem(/pnpm lnit: no script "lnit" in package.json/);
    expectProblem(/pnpm tset: no script "tset" in services\/catalog\/package.json/);
    expectProblem(/pnpm --filter @shop\/nowhere: no workspace package/);
    expectProblem(/npm run no-such-script: no script/);
    expectProblem(/bootstrap.mjs shop:tset: no root script "shop:tset"/);
    expect(problems.join('\n')).not.toMatch(/pnpm lint:/);
  });

  test('reports binaries, vitest projects and compose services that do not exist', () => {
    expectProblem(/pnpm exec not-installed: not installed/);
    expectProblem(/vitest --project no-such-project: no such project/);
    expectProblem(/osls-compose ghost:deploy: no service "ghost" in serverless-compose.yml/);
    expect(problems.join('\n')).not.toMatch(/--project packaging:/);
  });

  test('reports a missing reusable workflow, unknown and missing inputs, and a call without id-token', () => {
    expectProblem(/call-missing: uses .\/.github\/workflows\/missing.yml, which does not exist/);
    expectProblem(/passes input unknown-input, which .* does not declare/);
    expectProblem(/does not pass required input test/);
    expectProblem(
      /call-reusable: calls reusable.yml, whose job deploy deploys, without granting permissions id-token: write/,
    );
  });

  test('reports a deploy with stored AWS keys, no OIDC, no environment and a cancellable concurrency group', () => {
    expectProblem(/handles long-lived AWS credentials \(AWS_SECRET_ACCESS_KEY\)/);
    expectProblem(/deploy-with-keys: configures AWS credentials without permissions id-token: write/);
    expectProblem(/deploy-with-keys: configure-aws-credentials without role-to-assume/);
    expectProblem(/deploy-with-keys: deploys without a GitHub environment/);
    expectProblem(/deploy-with-keys: a deploy may be cancelled half way/);
    expectProblem(/reusable.yml deploy: waiting deploys may be dropped/);
  });

  test('reads the fixed prefix of a glob', () => {
    expect(fixedPrefix('services/catalog/**')).toBe('services/catalog');
    expect(fixedPrefix('packages/domain/src/*.ts')).toBe('packages/domain/src');
    expect(fixedPrefix('pnpm-lock.yaml')).toBe('pnpm-lock.yaml');
    expect(fixedPrefix('**/*.yml')).toBe('');
  });
});

test('.github/workflows has workflows', () => {
  expect(workflows.size).toBeGreaterThan(0);
});

for (const file of workflows.keys()) {
  test(`${file} parses and names only scripts, paths, workflows and stacks that exist`, () => {
    expect(checkWorkflow(file, workflows, repo).map((f) => `${f.resource}: ${f.problem}`)).toEqual([]);
  });
}

describe.each(services)('%s', (folder) => {
  const service = folder.slice('services/'.length);
  const workflow = workflows.get(`${service}.yml`);
  const on = (workflow?.on ?? {}) as Record<
    string,
    { paths?: string[]; branches?: string[]; tags?: string[] }
  >;

  test('has a workflow that runs the shared pipeline', () => {
    expect(workflow, `.github/workflows/${service}.yml`).toBeDefined();
    expect(Object.values(workflow?.jobs ?? {}).map((job) => job.uses)).toContain(
      './.github/workflows/pipeline.yml',
    );
  });

  test('runs on pushes to main, release tags and pull requests', () => {
    expect(on.push?.branches).toContain('main');
    expect(on.push?.tags).toContain('v*');
    expect(on.pull_request).toBeDefined();
  });

  test('watches the service, every workspace package it uses, the resource files it includes and the lockfile', () => {
    const needed = [
      folder,
      ...workspaceDependencies(folder, repo),
      ...includedResourceFiles(folder, repo),
      'packages/serverless-config',
      'pnpm-lock.yaml',
    ];
    for (const event of ['push', 'pull_request']) {
      const paths = on[event]?.paths ?? [];

      expect(
        needed.filter((path) => !pathsCover(paths, path)),
        `${service}.yml on.${event}.paths`,
      ).toEqual([]);
    }
  });
});

describe('deploy.yml (whole stages, in compose order)', () => {
  const jobs = Object.values(workflows.get('deploy.yml')?.jobs ?? {}) as Job[];
  const environment = (job: Job) =>
    typeof job.environment === 'string' ? job.environment : job.environment?.name;
  const staging = jobs.find((job) => environment(job) === 'staging');
  const production = jobs.find((job) => environment(job) === 'production');

  test('deploys to staging on pushes (main and release tags), never from pull requests', () => {
    expect(staging?.if).toBe("github.event_name == 'push'");
    expect(workflows.get('deploy.yml')?.on).not.toHaveProperty('pull_request');
  });

  test('deploys to prod only from a release tag, after staging succeeded, in the production environment', () => {
    expect(production?.if).toMatch(/startsWith\(github.ref, 'refs\/tags\/v'\)/);
    expect(production && 'needs' in production ? production.needs : undefined).toBe('deploy-staging');
  });

  test('no other workflow deploys', () => {
    const deploying = [...workflows].filter(
      ([file, w]) => file !== 'deploy.yml' && JSON.stringify(w).includes('configure-aws-credentials'),
    );

    expect(deploying.map(([file]) => file)).toEqual([]);
  });

  test('deploys one at a time per stage, across every pipeline, queueing every waiting deploy', () => {
    expect(staging?.concurrency).toEqual({
      group: 'deploy-staging',
      'cancel-in-progress': false,
      queue: 'max',
    });
    expect(production?.concurrency).toEqual({
      group: 'deploy-prod',
      'cancel-in-progress': false,
      queue: 'max',
    });
  });

  test('deploys only after lint, typecheck, package and the template checks passed', () => {
    const check = workflows.get('pipeline.yml')?.jobs?.check;
    const steps = (check?.steps ?? []).map((step) => step.run ?? step.uses ?? '').join('\n');

    expect(staging && 'needs' in staging ? staging.needs : undefined).toBe('check');
    expect(workflows.get('deploy.yml')?.jobs?.check?.uses).toBe('./.github/workflows/pipeline.yml');
    for (const part of ['bootstrap.mjs lint', 'inputs.typecheck', 'inputs.package', 'inputs.test'])
      expect(steps).toContain(part);
  });
});

test('the resource stacks have a workflow that packages every stack and runs the template checks', () => {
  const call = Object.values(workflows.get('resource-stacks.yml')?.jobs ?? {})[0];

  expect(call?.uses).toBe('./.github/workflows/pipeline.yml');
  expect(call?.with).toMatchObject({
    package: 'pnpm package',
    test: 'pnpm exec vitest run --project packaging',
  });
  expect(repo.exists(join('tests', 'packaging'))).toBe(true);
});
