// The reference checker against a template with dangling references: each kind is reported, and
// the valid forms next to them are not.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkReferences } from './references';
import type { Template } from './template-checks';

const template = JSON.parse(
  readFileSync(new URL('./fixtures/references-bad.json', import.meta.url), 'utf8'),
) as Template;

describe('checkReferences', () => {
  const problems = checkReferences(template).map((finding) => `${finding.resource}: ${finding.problem}`);

  test('reports a Ref to nothing, in resources and outputs', () => {
    expect(problems).toContain('Broken: Properties.TopicName: Ref "Missing" resolves to nothing');
    expect(problems).toContain('Outputs.Dangling: Output.Value: Ref "Removed" resolves to nothing');
  });

  test('reports Fn::GetAtt on an unknown resource and on an attribute the type does not have', () => {
    expect(problems).toContain('Broken: Properties.DisplayName: Fn::GetAtt names unknown resource Nowhere');
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^Broken: Properties.KmsMasterKeyId: AWS::SQS::Queue Queue has no attribute Colour/,
      ),
    );
  });

  test('reports Fn::Sub variables that resolve to nothing, including Resource.Attribute forms', () => {
    expect(problems).toContainEqual(expect.stringMatching(/Fn::Sub \$\{Unknown\} resolves to nothing/));
    expect(problems).toContainEqual(expect.stringMatching(/AWS::SQS::Queue Queue has no attribute Shade/));
  });

  test('reports DependsOn, Condition and Fn::If naming what does not exist', () => {
    expect(problems).toContain('Broken: DependsOn "Ghost" is not a resource');
    expect(problems).toContain('Broken: Condition NoSuchCondition does not exist');
    expect(problems).toContainEqual(expect.stringMatching(/Fn::If names unknown condition "NotACondition"/));
  });

  test('accepts parameters, pseudo parameters, Sub variable maps, escaped literals and valid attributes', () => {
    const resources = checkReferences(template).map((finding) => finding.resource);

    expect(resources).not.toContain('Topic');
    expect(resources).not.toContain('Outputs.TopicArn');
    expect(problems).toHaveLength(9);
  });
});
