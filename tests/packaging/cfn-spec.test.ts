// The spec checker against a template with known problems: each kind of mistake is reported.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkSpec, loadSpec } from './cfn-spec';
import type { Template } from './template-checks';

const template = JSON.parse(
  readFileSync(new URL('./fixtures/spec-bad.json', import.meta.url), 'utf8'),
) as Template;

describe('checkSpec', () => {
  const problems = checkSpec(template).map((finding) => `${finding.resource}: ${finding.problem}`);

  test('reports a resource type the specification does not have', () => {
    expect(problems).toContain('Made: type AWS::Made::Up is not in the CloudFormation specification');
  });

  test('reports a misspelt top-level property', () => {
    expect(problems).toContain('Misspelt: AWS::SQS::Queue Properties has unknown property VisibiltyTimeout');
  });

  test('reports a misspelt property inside a nested type and inside a list item', () => {
    expect(problems).toContain(
      'NestedTypo: AWS::Lambda::Function Properties.TracingConfig has unknown property Mood',
    );
    expect(problems).toContain(
      'ListItemTypo: AWS::DynamoDB::Table Properties.AttributeDefinitions[0] has unknown property AttributeTyp',
    );
    expect(problems).toContain(
      'ListItemTypo: AWS::DynamoDB::Table Properties.AttributeDefinitions[0] misses required property AttributeType',
    );
  });

  test('reports a missing required property', () => {
    expect(problems).toContain(
      'MissingRequired: AWS::Lambda::Function Properties misses required property Role',
    );
  });

  test('accepts intrinsic functions as values, and custom resources with a ServiceToken', () => {
    const resources = checkSpec(template).map((finding) => finding.resource);

    expect(resources).not.toContain('Fine');
    expect(resources).not.toContain('CustomWithToken');
    expect(problems).toContain('Custom: Custom::Thing has no ServiceToken');
  });

  test('reads resource types, properties and attributes from the spec database', () => {
    const spec = loadSpec();
    const fn = spec.resources.get('AWS::Lambda::Function');

    expect(fn?.properties.Role?.required).toBe(true);
    expect(Object.keys(fn?.attributes ?? {})).toContain('Arn');
    expect(spec.resources.size).toBeGreaterThan(1000);
  });
});
