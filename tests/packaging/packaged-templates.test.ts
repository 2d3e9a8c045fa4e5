// Runs after `pnpm package`: every service's generated CloudFormation keeps function names within
// AWS's 64-character limit and grants no wildcard IAM action.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { checkFunctionNames, checkIamActions, type Template } from './template-checks';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEMPLATE = join('.serverless', 'cloudformation-template-update-stack.json');

const templates = readdirSync(join(ROOT, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(ROOT, 'services', entry.name, TEMPLATE))
  .filter((path) => existsSync(path));

test('pnpm package produced a CloudFormation template for at least one service', () => {
  expect(templates, 'no services/*/.serverless template: run `pnpm package` first').not.toHaveLength(0);
});

for (const path of templates) {
  describe(relative(ROOT, path), () => {
    const template = JSON.parse(readFileSync(path, 'utf8')) as Template;

    test('has Lambda functions to check', () => {
      const functions = Object.values(template.Resources ?? {}).filter(
        (r) => r.Type === 'AWS::Lambda::Function',
      );
      expect(functions).not.toHaveLength(0);
    });

    test('every function name fits 64 characters', () => {
      expect(checkFunctionNames(template)).toEqual([]);
    });

    test('no IAM statement grants a wildcard action', () => {
      expect(checkIamActions(template)).toEqual([]);
    });
  });
}
