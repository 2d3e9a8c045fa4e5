// Deploy order and regions (issue 15, blockers 4 and 5): first the checker against fixtures that
// reintroduce each blocker, then the repo: serverless-compose.yml and every deploy job of every
// workflow bring a fresh stage up with each value read after it was written, in us-east-1 and in
// eu-west-1 (the resource stacks packaged again for eu-west-1, as CI would with AWS_REGION set).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import {
  type ComposeStack,
  checkDeployment,
  checkRegionTables,
  composeDeployment,
  composeStacks,
  workflowDeployments,
} from './deploy-order';
import { findPackagedStacks, ROOT } from './packaged-stacks';
import type { Finding, Template } from './template-checks';
import { readWorkflows, type Workflow } from './workflow-checks';

const fixtures = new URL('./fixtures/deploy-order/', import.meta.url);
const stacks = composeStacks(parse(readFileSync(join(ROOT, 'serverless-compose.yml'), 'utf8')));
const packaged = new Map(findPackagedStacks().map((s) => [s.stack, s]));
const templatesByName = (overrides = new Map<string, Template>()) =>
  new Map(stacks.map((s) => [s.name, overrides.get(s.name) ?? packaged.get(s.path)?.template ?? {}]));
const show = (findings: Finding[]) => findings.map((f) => `${f.resource}: ${f.problem}`);
const workflowFindings = (
  workflows: Map<string, Workflow>,
  region: string,
  templates = templatesByName(),
) => {
  const { deployments, findings } = workflowDeployments(workflows, stacks, region);
  return show([...findings, ...deployments.flatMap((d) => checkDeployment(d, stacks, templates))]);
};

/**
 * Packages a copy of one stack folder, with AWS_REGION set as CI's credentials step sets it, and
 * returns its `.serverless`. A copy: `serverless package --package <dir>` would empty the stack's
 * own `.serverless`, which the other packaging tests read. The copy sits at the same depth under a
 * temporary root whose packages/, resources/ and node_modules/ link to the repo's.
 */
const packageCopy = async (dir: string, root: string, region: string, pinned?: string): Promise<string> => {
  for (const shared of ['packages', 'resources', 'node_modules']) {
    if (!existsSync(join(root, shared))) symlinkSync(join(ROOT, shared), join(root, shared));
  }
  const copy = join(root, dir);
  cpSync(join(ROOT, dir), copy, {
    recursive: true,
    filter: (source) => !/[/\\]\.(serverless|esbuild)$/.test(source),
  });
  const args = ['package', '--stage', 'dev', ...(pinned ? ['--region', pinned] : [])];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'serverless'), args, {
      cwd: copy,
      env: { ...process.env, AWS_REGION: region },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${dir}: ${output}`))));
  });
  return join(copy, '.serverless');
};
const stateRegion = (out: string): string =>
  (
    JSON.parse(readFileSync(join(out, 'serverless-state.json'), 'utf8')) as {
      service: { provider: { region: string } };
    }
  ).service.provider.region;

describe('the deploy-order checker', () => {
  test('reports the per-service pipelines that deployed catalog before auth-hooks, and prod without staging (blocker 5)', () => {
    const old = new Map<string, Workflow>([
      ['catalog.yml', parse(readFileSync(new URL('catalog.yml', fixtures), 'utf8'))],
      ['pipeline.yml', parse(readFileSync(new URL('pipeline.yml', fixtures), 'utf8'))],
    ]);
    const problems = workflowFindings(old, 'us-east-1');

    expect(problems).toContainEqual(
      expect.stringMatching(
        /catalog.yml pipeline \(staging\) \[us-east-1\] catalog: reads ssm:\/shop\/dev\/cognito\/user-pool-arn .* written by auth-hooks/,
      ),
    );
    expect(problems).toContain(
      'catalog.yml pipeline: deploys to production without needing a successful staging deploy',
    );
  });

  test('reports a compose file whose order lets a stack deploy before what it reads', () => {
    const loose: ComposeStack[] = stacks.map((s) => (s.name === 'catalog' ? { ...s, dependsOn: [] } : s));

    expect(
      show(checkDeployment(composeDeployment(loose, 'us-east-1'), loose, templatesByName())),
    ).toContainEqual(
      expect.stringMatching(
        /^osls-compose deploy \[us-east-1\] catalog: reads ssm:\/shop\/dev\/cognito\/user-pool-arn/,
      ),
    );
  });

  test('reports edge values read in another region than the one they are written in (blocker 4)', () => {
    const before = JSON.parse(readFileSync(new URL('edge-before.json', fixtures), 'utf8')) as Record<
      string,
      Template
    >;
    const templates = templatesByName(new Map(Object.entries(before)));
    const problem =
      /cdn: reads ssm:\/shop\/dev\/edge\/cloudfront-web-acl-arn in eu-west-1, written by edge \(us-east-1\)/;

    expect(show(checkDeployment(composeDeployment(stacks, 'eu-west-1'), stacks, templates))).toContainEqual(
      expect.stringMatching(problem),
    );
    expect(
      show(checkDeployment(composeDeployment(stacks, 'us-east-1'), stacks, templates)).join('\n'),
    ).not.toMatch(/cloudfront-web-acl-arn/);
  });

  test('reports a lookup table keyed by region (the ten-region ELB account map, blocker 4)', () => {
    const { cdn } = JSON.parse(readFileSync(new URL('edge-before.json', fixtures), 'utf8')) as Record<
      string,
      Template
    >;

    expect(show(checkRegionTables(cdn ?? {}))).toEqual([
      'LogsBucketPolicy: looks a value up by region in mapping "ElbLogDelivery"',
    ]);
  });

  test('reports a stack whose region ignores AWS_REGION (blocker 4)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'region-ignored-'));
    try {
      const out = await packageCopy('tests/packaging/fixtures/region-ignored', root, 'eu-west-1');

      expect(stateRegion(out)).toBe('us-east-1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.each(['us-east-1'])('this repo, stage region %s', (region) => {
  test('osls-compose deploy: every stack reads only what a stack it depends on wrote before it', () => {
    expect(show(checkDeployment(composeDeployment(stacks, region), stacks, templatesByName()))).toEqual([]);
  });

  test('every deploy job of every workflow, on a fresh stage, in the same order', () => {
    expect(workflowFindings(readWorkflows(ROOT), region)).toEqual([]);
  });

  test('no template looks a value up by region', () => {
    expect([...packaged.values()].flatMap((s) => show(checkRegionTables(s.template)))).toEqual([]);
  });
});

describe('this repo, stage region eu-west-1 (resource stacks packaged again with AWS_REGION=eu-west-1)', () => {
  const out = mkdtempSync(join(tmpdir(), 'shop-eu-west-1-'));
  const resourceStacks = stacks.filter((s) => s.path.startsWith('stacks/'));
  const eu = new Map<string, Template>();
  const regions = new Map<string, string>();

  beforeAll(async () => {
    // Three at a time: about 3 s each, CPU-bound.
    const queue = [...resourceStacks];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const dir = await packageCopy(s.path, out, 'eu-west-1', s.region);
        regions.set(s.name, stateRegion(dir));
        eu.set(
          s.name,
          JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')),
        );
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('every resource stack deploys to AWS_REGION, edge to us-east-1', () => {
    expect(Object.fromEntries(regions)).toEqual(
      Object.fromEntries(resourceStacks.map((s) => [s.name, s.region ?? 'eu-west-1'])),
    );
  });

  test('each template equals its us-east-1 package but for the region name', () => {
    // A comparison with us-east-1 itself (firewall-manager's CloudFront policy) is region logic,
    // not a region baked in: it stays as written.
    const pinned = '{"Ref":"AWS::Region"},"us-east-1"';
    // osls names each package's artifact folder after the time of packaging.
    const artifact = (text: string) =>
      text.replace(/serverless\/([\w-]+)\/dev\/[^/"]+\//g, 'serverless/$1/dev/<time>/');
    const asIfEu = (template: Template | undefined) =>
      artifact(JSON.stringify(template))
        .replaceAll(pinned, '\0')
        .replaceAll('us-east-1', 'eu-west-1')
        .replaceAll('\0', pinned);
    for (const s of resourceStacks) {
      const us = packaged.get(s.path)?.template;
      expect(us, `${s.path} not packaged`).toBeDefined();
      expect(artifact(JSON.stringify(eu.get(s.name))), s.path).toBe(asIfEu(us));
    }
  });

  test('osls-compose deploy and every deploy job: each value read is written before it, in eu-west-1', () => {
    const templates = templatesByName(eu);

    expect([
      ...show(checkDeployment(composeDeployment(stacks, 'eu-west-1'), stacks, templates)),
      ...workflowFindings(readWorkflows(ROOT), 'eu-west-1', templates),
    ]).toEqual([]);
  });
});
