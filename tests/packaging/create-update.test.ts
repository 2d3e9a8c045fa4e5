// The create/update comparison against a fixture that reintroduces issue 15's blocker 1: the
// deployment bucket hardened (ObjectLockEnabled) in the update template only. Then every packaged
// stack: the create and update templates may differ only where the difference updates in place.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkCreateUpdate, readCreateTemplate, unintended } from './create-update';
import { findPackagedStacks } from './packaged-stacks';
import type { Template } from './template-checks';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`./fixtures/create-update/${name}.json`, import.meta.url), 'utf8'),
  ) as Template;

describe('checkCreateUpdate', () => {
  const problems = checkCreateUpdate(fixture('create'), fixture('update')).map(
    (f) => `${f.resource}: ${f.problem}`,
  );

  test('reports the deployment bucket whose Object Lock is switched on by the first update (blocker 1)', () => {
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^ServerlessDeploymentBucket: ObjectLockEnabled differs .* replaces the resource \(yes\)/,
      ),
    );
  });

  test('reports a replacing property of an existing resource, and one nested in an in-place property', () => {
    expect(problems).toContainEqual(expect.stringMatching(/^Queue: QueueName differs/));
    expect(problems).toContainEqual(expect.stringMatching(/^Lens: StorageLensConfiguration.Id differs/));
  });

  test('passes differences that update in place and resources only the update template has', () => {
    expect(problems.join('\n')).not.toMatch(
      /VisibilityTimeout|BucketEncryption|LifecycleConfiguration|Function/,
    );
  });

  test('an intended replacement is accepted only for its stack, resource and property', () => {
    const findings = checkCreateUpdate(fixture('create'), fixture('update'));
    const intended = [
      {
        stack: 'stacks/x',
        resource: 'Queue',
        property: 'QueueName',
        reason: 'renamed on purpose, nothing reads it',
      },
    ];

    expect(unintended('stacks/x', findings, intended).map((f) => f.resource)).not.toContain('Queue');
    expect(unintended('stacks/y', findings, intended).map((f) => f.resource)).toContain('Queue');
  });
});

for (const { stack, path, template } of findPackagedStacks()) {
  test(`${stack}: the first deploy's update replaces nothing the create template made`, () => {
    const create = readCreateTemplate(path);

    expect(create, `${stack} has no ${'cloudformation-template-create-stack.json'}`).toBeDefined();
    expect(unintended(stack, checkCreateUpdate(create ?? {}, template))).toEqual([]);
  });
}
