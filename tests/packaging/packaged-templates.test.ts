// Runs after `pnpm package`, over every stack it wrote (services and resource stacks alike, found
// on disk): the CloudFormation is valid against the current specification, every reference
// resolves, IAM is least-privilege, stream consumers cannot stall on a poison record, functions
// are traced, keep bounded logs and time out before their caller, and AWS Control Tower's
// proactive controls (cfn-guard) pass except for the findings in guard-suppressions.yml.
import { describe, expect, test } from 'vitest';
import { applySuppressions, describeFindings, loadSuppressions, runGuard } from './cfn-guard';
import { checkSpec } from './cfn-spec';
import { composeStackPaths, findPackagedStacks } from './packaged-stacks';
import { checkReferences } from './references';
import {
  checkEventSourceMappings,
  checkFunctions,
  checkFunctionsInVpc,
  checkIamResources,
  checkLambdaPermissions,
} from './runtime-checks';
import { checkDynamicReferences, checkFunctionNames, checkIamActions, type Finding } from './template-checks';

const stacks = findPackagedStacks();
const suppressions = loadSuppressions();
const guard = applySuppressions(runGuard(stacks), suppressions);
const show = (findings: Finding[]) => findings.map((f) => `${f.resource}: ${f.problem}`);
/** One line per dangling name (a missing parameter is referenced from dozens of places). */
const showGrouped = (findings: Finding[]) => {
  const groups = new Map<string, string[]>();
  for (const { resource, problem } of findings) {
    const what = problem.includes(': ') ? problem.slice(problem.indexOf(': ') + 2) : problem;
    groups.set(what, [...(groups.get(what) ?? []), resource]);
  }
  return [...groups].map(([what, resources]) => `${what} (in ${[...new Set(resources)].join(', ')})`);
};

test('pnpm package produced a CloudFormation template for at least one stack', () => {
  expect(stacks, 'no .serverless template found: run `pnpm package` first').not.toHaveLength(0);
});

test('every stack in serverless-compose.yml was packaged', () => {
  const packaged = new Set(stacks.map((s) => s.stack));

  expect(composeStackPaths().filter((path) => !packaged.has(path))).toEqual([]);
});

test('every suppression in guard-suppressions.yml still matches a cfn-guard finding', () => {
  expect(
    guard.unused.map((s) => `${s.rule} ${s.resource ?? s.type}${s.stack ? ` in ${s.stack}` : ''}`),
  ).toEqual([]);
});

for (const { stack, template } of stacks) {
  describe(stack, () => {
    test('has resources to check', () => {
      expect(Object.keys(template.Resources ?? {})).not.toHaveLength(0);
    });

    test.runIf(stack.startsWith('services/'))('a service stack has Lambda functions', () => {
      const types = Object.values(template.Resources ?? {}).map((r) => r.Type);

      expect(types).toContain('AWS::Lambda::Function');
    });

    test('every resource type and property exists in the CloudFormation spec, required ones present', () => {
      expect(show(checkSpec(template))).toEqual([]);
    });

    test('every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn and Condition resolves', () => {
      expect(showGrouped(checkReferences(template))).toEqual([]);
    });

    test('every function name fits 64 characters', () => {
      expect(checkFunctionNames(template)).toEqual([]);
    });

    test('stays within the 60 dynamic references CloudFormation resolves per template', () => {
      expect(checkDynamicReferences(template)).toEqual([]);
    });

    test('no IAM statement grants a wildcard action', () => {
      expect(checkIamActions(template)).toEqual([]);
    });

    test('IAM grants "*" only for actions without resource-level permissions', () => {
      expect(show(checkIamResources(template))).toEqual([]);
    });

    test('Lambda permissions name the source allowed to invoke', () => {
      expect(show(checkLambdaPermissions(template))).toEqual([]);
    });

    test('stream mappings bisect, retry finitely, age out, dead-letter and report item failures', () => {
      expect(show(checkEventSourceMappings(template))).toEqual([]);
    });

    test('functions are traced, keep logs for a set time and time out before their trigger', () => {
      expect(show(checkFunctions(template))).toEqual([]);
    });

    test('every function runs in the VPC (subnets and security groups set)', () => {
      expect(show(checkFunctionsInVpc(template))).toEqual([]);
    });

    test('cfn-guard Control Tower rules: no failure outside guard-suppressions.yml', () => {
      expect(describeFindings(guard.unsuppressed.filter((f) => f.stack === stack))).toEqual([]);
    });
  });
}
