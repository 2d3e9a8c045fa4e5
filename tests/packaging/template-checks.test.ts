// The checker itself, against templates with known problems: a check that cannot fail is a bug.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  checkDynamicReferences,
  checkFunctionNames,
  checkIamActions,
  MAX_DYNAMIC_REFERENCES,
  resolveString,
  type Template,
} from './template-checks';

const badTemplate = JSON.parse(
  readFileSync(new URL('./fixtures/bad-template.json', import.meta.url), 'utf8'),
) as Template;

describe('checkFunctionNames', () => {
  test('reports a name over 64 characters after resolving Fn::Join and parameter defaults', () => {
    const findings = checkFunctionNames(badTemplate);

    expect(findings).toContainEqual({
      resource: 'VeryLongLambdaFunction',
      problem: expect.stringMatching(/is 69 characters \(max 64\)/),
    });
  });

  test('reports a name it cannot resolve instead of passing it', () => {
    const findings = checkFunctionNames(badTemplate);

    expect(findings.map((finding) => finding.resource)).toContain('OpaqueNameLambdaFunction');
  });

  test('accepts names that fit, including Fn::Sub with the longest region', () => {
    const resources = checkFunctionNames(badTemplate).map((finding) => finding.resource);

    expect(resources).not.toContain('ListProductsLambdaFunction');
    expect(resources).not.toContain('SubNamedLambdaFunction');
  });

  test('reports a function without FunctionName', () => {
    const template: Template = { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: {} } } };

    expect(checkFunctionNames(template)).toHaveLength(1);
  });
});

describe('checkIamActions', () => {
  test('reports every wildcard action in roles and policies, and NotAction', () => {
    const problems = checkIamActions(badTemplate).map((finding) => `${finding.resource}: ${finding.problem}`);

    expect(problems).toEqual([
      'IamRoleLambdaExecution: policy catalog statement 1 grants wildcard action "s3:*"',
      'IamRoleLambdaExecution: policy catalog statement 2 grants wildcard action "dynamodb:Get*"',
      'AdminPolicy: policy statement 0 grants wildcard action "*"',
      'EverythingButPolicy: policy statement 0 uses NotAction, which grants everything else',
    ]);
  });

  test('passes a role whose actions are all named', () => {
    const template: Template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              {
                PolicyName: 'p',
                PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'] }] },
              },
            ],
          },
        },
      },
    };

    expect(checkIamActions(template)).toEqual([]);
  });
});

describe('resolveString', () => {
  test('substitutes pseudo parameters at their longest', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JavaScript's
    expect(resolveString({ 'Fn::Sub': '${AWS::Region}' }, {})).toBe('ap-southeast-5');
  });

  test('throws on a Ref to a parameter without a default', () => {
    expect(() => resolveString({ Ref: 'Missing' }, {})).toThrow(/Ref Missing/);
  });
});

describe('checkDynamicReferences', () => {
  const withReferences = (count: number): Template => ({
    Resources: Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `Group${i}`,
        { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: `{{resolve:ssm:/shop/dev/key-${i}}}` } },
      ]),
    ),
  });

  test('accepts a template at the limit', () => {
    expect(checkDynamicReferences(withReferences(MAX_DYNAMIC_REFERENCES))).toEqual([]);
  });

  test('reports a template over it', () => {
    expect(checkDynamicReferences(withReferences(MAX_DYNAMIC_REFERENCES + 1))).toEqual([
      { resource: '(template)', problem: '61 dynamic references (max 60)' },
    ]);
  });
});
