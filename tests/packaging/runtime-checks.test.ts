// The runtime checkers against a template with known problems (fixtures/runtime-bad.json): each
// rule fails on the resource that breaks it and stays quiet on the one that follows it.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  checkEventSourceMappings,
  checkFunctions,
  checkFunctionsInVpc,
  checkIamResources,
  checkLambdaPermissions,
  eventSourceKind,
} from './runtime-checks';
import type { Finding, Template } from './template-checks';

const template = JSON.parse(
  readFileSync(new URL('./fixtures/runtime-bad.json', import.meta.url), 'utf8'),
) as Template;
const describeAll = (findings: Finding[]) => findings.map((f) => `${f.resource}: ${f.problem}`);

describe('checkIamResources', () => {
  const problems = describeAll(checkIamResources(template));

  test('reports an action with resource-level permissions granted on "*"', () => {
    expect(problems).toContainEqual(
      expect.stringMatching(/^StarPolicy: policy statement 0 grants "dynamodb:GetItem" on every resource/),
    );
  });

  test('treats an ARN whose resource part is * as unscoped, and reports NotResource', () => {
    expect(problems).toContainEqual(
      expect.stringMatching(/^StarPolicy: policy statement 1 grants "sqs:SendMessage"/),
    );
    expect(problems).toContain(
      'StarPolicy: policy statement 2 uses NotResource, which grants every other resource',
    );
  });

  test('accepts "*" for X-Ray and ENI actions, named resources, and Deny statements', () => {
    expect(problems.filter((p) => p.startsWith('ScopedPolicy'))).toEqual([]);
    expect(problems).toHaveLength(3);
  });
});

describe('checkLambdaPermissions', () => {
  test('reports public and any-source permissions and accepts one scoped by a built SourceArn', () => {
    expect(describeAll(checkLambdaPermissions(template))).toEqual([
      'PublicPermission: lets any principal invoke the function',
      'AnySourcePermission: lets s3.amazonaws.com invoke the function for any source (no SourceArn or SourceAccount)',
    ]);
  });
});

describe('checkEventSourceMappings', () => {
  const problems = describeAll(checkEventSourceMappings(template));

  test('reports every missing safeguard of a Kinesis mapping', () => {
    expect(problems.filter((p) => p.startsWith('CarelessStreamMapping'))).toEqual([
      'CarelessStreamMapping: kinesis mapping does not set BisectBatchOnFunctionError: true',
      'CarelessStreamMapping: kinesis mapping retries forever (MaximumRetryAttempts unset or -1)',
      'CarelessStreamMapping: kinesis mapping keeps records forever (MaximumRecordAgeInSeconds unset or -1)',
      'CarelessStreamMapping: kinesis mapping has no DestinationConfig.OnFailure.Destination',
      'CarelessStreamMapping: kinesis mapping lacks FunctionResponseTypes: [ReportBatchItemFailures]',
    ]);
  });

  test('recognises a stream from another stack by its ARN and reports an infinite record age', () => {
    expect(problems.filter((p) => p.startsWith('ExternalStreamMapping'))).toEqual([
      'ExternalStreamMapping: kinesis mapping keeps records forever (MaximumRecordAgeInSeconds unset or -1)',
    ]);
  });

  test('reports an SQS mapping without ReportBatchItemFailures and passes the careful mapping', () => {
    expect(problems).toContain(
      'QueueMapping: SQS mapping lacks FunctionResponseTypes: [ReportBatchItemFailures]',
    );
    expect(problems.filter((p) => p.startsWith('CarefulStreamMapping'))).toEqual([]);
  });

  test('tells the source kind from the referenced resource or the ARN', () => {
    const kind = (id: string) => eventSourceKind(template.Resources?.[id] ?? {}, template);

    expect(kind('CarefulStreamMapping')).toBe('kinesis');
    expect(kind('ExternalStreamMapping')).toBe('kinesis');
    expect(kind('QueueMapping')).toBe('sqs');
  });
});

describe('checkFunctions', () => {
  const problems = describeAll(checkFunctions(template));

  test('reports a function that is not traced', () => {
    expect(problems).toContain('StreamFunction: has no TracingConfig Mode Active (X-Ray)');
  });

  test('reports a function without a log group and a log group without retention', () => {
    expect(problems).toContainEqual(expect.stringMatching(/^TriggerFunction: has no AWS::Logs::LogGroup/));
    expect(problems).toContain('StreamFunction: log group StreamFunctionLogGroup has no RetentionInDays');
  });

  test('reports timeouts at or over the limit of API Gateway, an SQS visibility timeout and Cognito', () => {
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^ApiFunction: Timeout 29 s exceeds 28 s allowed by API Gateway REST method ApiMethod/,
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^QueueFunction: Timeout 60 s exceeds 59 s allowed by SQS queue Queue/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^TriggerFunction: Timeout 6 s exceeds 5 s allowed by Cognito user pool trigger/),
    );
  });

  test('finds a log group named after the function through Fn::Sub', () => {
    expect(problems.filter((p) => p.startsWith('QueueFunction'))).toHaveLength(1);
    expect(problems).toHaveLength(6);
  });

  test('passes a traced function with a retained log group and a timeout within its trigger', () => {
    const fixed: Template = {
      Resources: {
        ...template.Resources,
        ApiFunction: {
          Type: 'AWS::Lambda::Function',
          Properties: { FunctionName: 'shop-api', Timeout: 10, TracingConfig: { Mode: 'Active' } },
        },
      },
    };

    expect(describeAll(checkFunctions(fixed)).filter((p) => p.startsWith('ApiFunction'))).toEqual([]);
  });
});

describe('checkFunctionsInVpc', () => {
  test('reports a function without subnets or security groups and accepts parameter references', () => {
    const template: Template = {
      Resources: {
        Outside: { Type: 'AWS::Lambda::Function', Properties: {} },
        NoGroups: {
          Type: 'AWS::Lambda::Function',
          Properties: { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: [] } },
        },
        Inside: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            VpcConfig: {
              SubnetIds: { 'Fn::Split': [',', { 'Fn::Join': [',', { Ref: 'Subnets' }] }] },
              SecurityGroupIds: [{ Ref: 'SecurityGroup' }],
            },
          },
        },
      },
    };

    expect(describeAll(checkFunctionsInVpc(template))).toEqual([
      'Outside: runs outside the VPC (no VpcConfig.SubnetIds)',
      'Outside: runs outside the VPC (no VpcConfig.SecurityGroupIds)',
      'NoGroups: runs outside the VPC (no VpcConfig.SecurityGroupIds)',
    ]);
  });
});
