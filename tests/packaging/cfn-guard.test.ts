// The cfn-guard runner and the suppression logic, on a small template that breaks two Control
// Tower SQS controls: findings are read per resource from cfn-guard's JSON, a suppression hides
// exactly what it names, and one that matches nothing is reported as unused.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  applySuppressions,
  CONTROL_TOWER_RULES,
  type GuardFinding,
  loadSuppressions,
  runGuard,
  SUPPRESSIONS_FILE,
  type Suppression,
} from './cfn-guard';
import type { Template } from './template-checks';

const path = fileURLToPath(new URL('./fixtures/guard-bad.json', import.meta.url));
const template: Template = {
  Resources: {
    PlainQueue: { Type: 'AWS::SQS::Queue' },
    EncryptedQueue: { Type: 'AWS::SQS::Queue' },
  },
};
const findings = runGuard(
  [{ stack: 'fixtures/guard-bad', path, template }],
  join(CONTROL_TOWER_RULES, 'sqs'),
);
const summary = (list: GuardFinding[]) => list.map((f) => `${f.controls.join('/')} ${f.resource}`).sort();
const reason = 'a reason long enough to explain the decision';

describe('runGuard', () => {
  test('reports each failed control once per resource, with its rule name, type and fix', () => {
    expect(summary(findings)).toEqual([
      'CT.SQS.PR.1 EncryptedQueue',
      'CT.SQS.PR.1 PlainQueue',
      'CT.SQS.PR.2 PlainQueue',
    ]);
    expect(findings.find((f) => f.controls.includes('CT.SQS.PR.2'))).toMatchObject({
      stack: 'fixtures/guard-bad',
      rule: 'sqs_queue_encrypted_check',
      type: 'AWS::SQS::Queue',
      fix: expect.stringMatching(/KmsMasterKeyId|SqsManagedSseEnabled/),
    });
  });
});

describe('applySuppressions', () => {
  test('hides a finding suppressed by control id and resource, and keeps the rest', () => {
    const suppressions: Suppression[] = [{ rule: 'CT.SQS.PR.2', resource: 'PlainQueue', reason }];

    const { unsuppressed, unused } = applySuppressions(findings, suppressions);

    expect(summary(unsuppressed)).toEqual(['CT.SQS.PR.1 EncryptedQueue', 'CT.SQS.PR.1 PlainQueue']);
    expect(unused).toEqual([]);
  });

  test('hides every resource of a type when suppressed by rule name and type', () => {
    const suppressions: Suppression[] = [{ rule: 'sqs_dlq_check', type: 'AWS::SQS::Queue', reason }];

    expect(summary(applySuppressions(findings, suppressions).unsuppressed)).toEqual([
      'CT.SQS.PR.2 PlainQueue',
    ]);
  });

  test('matches resources by a * pattern, and only those', () => {
    const suppressions: Suppression[] = [{ rule: 'CT.SQS.PR.1', resource: '*Queue', reason }];
    const narrower: Suppression[] = [{ rule: 'CT.SQS.PR.1', resource: 'Plain*', reason }];

    expect(summary(applySuppressions(findings, suppressions).unsuppressed)).toEqual([
      'CT.SQS.PR.2 PlainQueue',
    ]);
    expect(summary(applySuppressions(findings, narrower).unsuppressed)).toEqual([
      'CT.SQS.PR.1 EncryptedQueue',
      'CT.SQS.PR.2 PlainQueue',
    ]);
  });

  test('reports a suppression that matches nothing, including one limited to another stack', () => {
    const stale: Suppression = { rule: 'CT.SQS.PR.2', resource: 'EncryptedQueue', reason };
    const otherStack: Suppression = {
      rule: 'CT.SQS.PR.1',
      resource: 'PlainQueue',
      stack: 'services/x',
      reason,
    };

    const { unsuppressed, unused } = applySuppressions(findings, [stale, otherStack]);

    expect(unused).toEqual([stale, otherStack]);
    expect(unsuppressed).toHaveLength(3);
  });
});

describe('loadSuppressions', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'guard-')), 'suppressions.yml');
    writeFileSync(file, text);
    return file;
  };

  test('refuses an entry without a reason', () => {
    const file = write('suppressions:\n  - rule: CT.S3.PR.1\n    resource: Bucket\n');

    expect(() => loadSuppressions(file)).toThrow(/needs a reason/);
  });

  test('refuses an entry that names neither a resource nor a type', () => {
    const file = write(`suppressions:\n  - rule: CT.S3.PR.1\n    reason: ${reason}\n`);

    expect(() => loadSuppressions(file)).toThrow(/needs a resource/);
  });

  test('reads the repository suppression file: every entry has a rule, a target and a reason', () => {
    expect(existsSync(SUPPRESSIONS_FILE)).toBe(true);
    expect(() => loadSuppressions()).not.toThrow();
  });
});
