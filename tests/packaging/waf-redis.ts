// Issue 10, item 5, as template checks: the API's web ACLs do not block what the contract accepts
// and rate-limit clients rather than CloudFront; Redis has no password in a function's environment
// and its application user may run only the command categories the code uses.
import type { Finding, Template } from './template-checks';

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every statement in a rule, nested ones included (And/Or/Not, scope-downs). */
function statements(statement: unknown): Json[] {
  const found: Json[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else if (value && typeof value === 'object') {
      found.push(value as Json);
      Object.values(value).forEach(visit);
    }
  };
  visit(statement);
  return found;
}

export function checkWebAcls(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::WAFv2::WebACL') continue;
    const scope = resource.Properties?.Scope;
    for (const rule of asArray(resource.Properties?.Rules).map(asObject)) {
      const where = `rule ${String(rule.Name)}`;
      for (const statement of statements(rule.Statement)) {
        const group = asObject(statement.ManagedRuleGroupStatement);
        if (group.Name === 'AWSManagedRulesCommonRuleSet') {
          const counted = asArray(group.RuleActionOverrides)
            .map(asObject)
            .some((o) => o.Name === 'SizeRestrictions_BODY' && 'Count' in asObject(o.ActionToUse));
          if (!counted && group.ScopeDownStatement === undefined) {
            findings.push({
              resource: id,
              problem: `${where}: SizeRestrictions_BODY blocks bodies over 8 KB, which the contract accepts (override it to Count or scope the group)`,
            });
          }
        }
        const rate = asObject(statement.RateBasedStatement);
        if (scope === 'REGIONAL' && rate.AggregateKeyType === 'IP' && rate.ScopeDownStatement === undefined) {
          findings.push({
            resource: id,
            problem: `${where}: a per-IP rate limit behind CloudFront counts CloudFront's addresses, not clients' (scope it to direct requests, or key it on the forwarded IP)`,
          });
        }
      }
    }
  }
  return findings;
}

/** Categories and commands an application user of the cache must not be able to run. */
const TOO_BROAD = [
  /\+@all\b/,
  /\ballcommands\b/,
  /\+@dangerous\b/,
  /\+@admin\b/,
  /\+flushall\b/i,
  /\+flushdb\b/i,
];

export function checkRedisUsers(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::ElastiCache::User') continue;
    const properties = resource.Properties ?? {};
    const access = String(properties.AccessString ?? '');
    if (properties.UserName === 'default') {
      if (!/^off\b/.test(access)) findings.push({ resource: id, problem: 'the default user can log in' });
      continue;
    }
    if (properties.Passwords !== undefined || asObject(properties.AuthenticationMode).Type !== 'iam') {
      findings.push({ resource: id, problem: 'logs in with a password (use IAM authentication)' });
    }
    if (!/(^|\s)-@all\b/.test(access)) {
      findings.push({ resource: id, problem: `AccessString "${access}" does not start from -@all` });
    }
    for (const pattern of TOO_BROAD) {
      if (pattern.test(access))
        findings.push({
          resource: id,
          problem: `AccessString grants ${pattern.source.replace(/\\b|\\/g, '')}`,
        });
    }
    const dangerous = access.lastIndexOf('-@dangerous');
    if (dangerous < access.lastIndexOf('+@')) {
      findings.push({
        resource: id,
        problem:
          'AccessString does not end by taking back -@dangerous (FLUSHALL, KEYS, CONFIG come with @write and @connection)',
      });
    }
    if (/~\*(\s|$)/.test(access))
      findings.push({ resource: id, problem: 'AccessString opens every key (~*)' });
  }
  return findings;
}

/** A secret in a function's environment: readable by anyone with lambda:GetFunctionConfiguration. */
export function checkSecretsInEnvironment(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = asObject(asObject(resource.Properties?.Environment).Variables);
    for (const [name, value] of Object.entries(variables)) {
      const text = JSON.stringify(value);
      if (/\{\{resolve:(secretsmanager|ssm-secure):/.test(text) || /:\/\/[^/@\s":]+:[^/@\s"]+@/.test(text)) {
        findings.push({ resource: id, problem: `environment variable ${name} holds a secret` });
      }
    }
  }
  return findings;
}
