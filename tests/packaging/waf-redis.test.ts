// The WAF and Redis checks against the templates as they were before issue 10 (fixture), then
// against every packaged stack.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { findPackagedStacks } from './packaged-stacks';
import type { Template } from './template-checks';
import { checkRedisUsers, checkSecretsInEnvironment, checkWebAcls } from './waf-redis';

const bad = JSON.parse(
  readFileSync(new URL('./fixtures/waf-redis-bad.json', import.meta.url), 'utf8'),
) as Template;
const show = (findings: { resource: string; problem: string }[]) =>
  findings.map((f) => `${f.resource}: ${f.problem}`);

describe('checkWebAcls', () => {
  const problems = show(checkWebAcls(bad));

  test('reports the body-size rule that blocks what the contract accepts, and passes it counted', () => {
    expect(problems).toContainEqual(
      expect.stringMatching(/^WebAcl: rule aws-common: SizeRestrictions_BODY blocks/),
    );
    expect(problems.join('\n')).not.toMatch(/EdgeAcl: rule aws-common/);
  });

  test("reports a regional per-IP rule that counts CloudFront's addresses, not the edge ACL's", () => {
    expect(problems).toContainEqual(
      expect.stringMatching(/^WebAcl: rule rate-limit-per-ip: a per-IP rate limit behind CloudFront/),
    );
    expect(problems.join('\n')).not.toMatch(/EdgeAcl: rule rate-limit-per-ip/);
  });
});

describe('checkRedisUsers', () => {
  const problems = show(checkRedisUsers(bad));

  test('reports a password user with +@all on every key, and passes the disabled default user', () => {
    expect(problems).toEqual(
      expect.arrayContaining([
        'RedisAppUser: logs in with a password (use IAM authentication)',
        'RedisAppUser: AccessString "on ~* &* +@all -flushall -flushdb" does not start from -@all',
        'RedisAppUser: AccessString grants +@all',
        'RedisAppUser: AccessString opens every key (~*)',
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/RedisDefaultUser/);
  });

  test('passes a user limited to the categories the cache uses', () => {
    const user: Template = {
      Resources: {
        U: {
          Type: 'AWS::ElastiCache::User',
          Properties: {
            UserName: 'shop-dev-app',
            AuthenticationMode: { Type: 'iam' },
            AccessString:
              'on ~catalog:* resetchannels -@all +@read +@write +@scripting +@connection -@dangerous',
          },
        },
      },
    };

    expect(checkRedisUsers(user)).toEqual([]);
  });
});

test('checkSecretsInEnvironment reports a password in REDIS_URL or a URL, not plain SSM values', () => {
  expect(show(checkSecretsInEnvironment(bad))).toEqual([
    'ListProductsLambdaFunction: environment variable REDIS_URL holds a secret',
    'ListProductsLambdaFunction: environment variable DATABASE_URL holds a secret',
  ]);
});

for (const { stack, template } of findPackagedStacks()) {
  test(`${stack}: web ACLs pass what the contract accepts and count clients; Redis users and environments hold no secrets`, () => {
    expect([
      ...show(checkWebAcls(template)),
      ...show(checkRedisUsers(template)),
      ...show(checkSecretsInEnvironment(template)),
    ]).toEqual([]);
  });
}
