// Checks on the CloudFormation that `pnpm package` writes: Lambda function names fit AWS's
// 64-character limit, and no IAM statement grants a wildcard action (least privilege, issue 2).
// Values are resolved from the template where CloudFormation would resolve them, and anything that
// cannot be resolved is reported rather than assumed fine. The runtime checks (resource scoping,
// stream mappings, tracing, log retention, timeouts) live in runtime-checks.ts.

export interface Finding {
  resource: string;
  problem: string;
}

export interface Resource {
  Type?: string;
  Properties?: Record<string, unknown>;
  DependsOn?: unknown;
  Condition?: unknown;
}

export interface Template {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources?: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

export const MAX_FUNCTION_NAME_LENGTH = 64;
/** CloudFormation resolves at most this many dynamic references (`{{resolve:...}}`) per template. */
export const MAX_DYNAMIC_REFERENCES = 60;

// Pseudo parameters at their longest, so a name that fits here fits in every region and account.
const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': 'ap-southeast-5',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws-us-gov',
  'AWS::URLSuffix': 'amazonaws.com.cn',
};

class Unresolvable extends Error {}

export function checkTemplate(template: Template): Finding[] {
  return [...checkFunctionNames(template), ...checkIamActions(template)];
}

export function checkFunctionNames(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const raw = resource.Properties?.FunctionName;
    if (raw === undefined) {
      findings.push({ resource: id, problem: 'has no FunctionName (osls always sets one)' });
      continue;
    }
    try {
      const name = resolveString(raw, template);
      if (name.length > MAX_FUNCTION_NAME_LENGTH) {
        findings.push({
          resource: id,
          problem: `FunctionName "${name}" is ${name.length} characters (max ${MAX_FUNCTION_NAME_LENGTH})`,
        });
      }
    } catch (error) {
      findings.push({
        resource: id,
        problem: `FunctionName cannot be resolved: ${(error as Error).message}`,
      });
    }
  }
  return findings;
}

export function checkIamActions(template: Template): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    for (const { where, document } of policyDocuments(resource.Type, resource.Properties ?? {})) {
      const statements = asArray((document as { Statement?: unknown } | undefined)?.Statement);
      statements.forEach((statement, index) => {
        const at = `${where} statement ${index}`;
        const body = (statement ?? {}) as { Action?: unknown; NotAction?: unknown };
        if (body.NotAction !== undefined) {
          findings.push({ resource: id, problem: `${at} uses NotAction, which grants everything else` });
        }
        if (body.Action === undefined) {
          if (body.NotAction === undefined) findings.push({ resource: id, problem: `${at} has no Action` });
          return;
        }
        for (const action of asArray(body.Action)) {
          try {
            const resolved = resolveString(action, template);
            if (resolved.includes('*')) {
              findings.push({ resource: id, problem: `${at} grants wildcard action "${resolved}"` });
            }
          } catch (error) {
            findings.push({
              resource: id,
              problem: `${at} has an unresolvable action: ${(error as Error).message}`,
            });
          }
        }
      });
    }
  }
  return findings;
}

/** Every policy document a resource carries: roles (trust + inline policies) and policies. */
export function policyDocuments(
  type: string | undefined,
  properties: Record<string, unknown>,
): Array<{ where: string; document: unknown }> {
  switch (type) {
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group': {
      const inline = asArray(properties.Policies).map((policy, index) => {
        const { PolicyName, PolicyDocument } = (policy ?? {}) as {
          PolicyName?: unknown;
          PolicyDocument?: unknown;
        };
        const name = typeof PolicyName === 'string' ? PolicyName : String(index);
        return { where: `policy ${name}`, document: PolicyDocument };
      });
      const trust = properties.AssumeRolePolicyDocument;
      return trust === undefined ? inline : [{ where: 'trust policy', document: trust }, ...inline];
    }
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
      return [{ where: 'policy', document: properties.PolicyDocument }];
    default:
      return [];
  }
}

/** Resolves a string value through Ref, Fn::Join and Fn::Sub; throws Unresolvable otherwise. */
export function resolveString(value: unknown, template: Template): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    const [fn, args] = entries[0] ?? [];
    if (entries.length === 1 && fn === 'Ref') return resolveRef(String(args), template);
    if (entries.length === 1 && fn === 'Fn::Join' && Array.isArray(args) && args.length === 2) {
      const [delimiter, parts] = args as [unknown, unknown];
      if (typeof delimiter === 'string' && Array.isArray(parts)) {
        return parts.map((part) => resolveString(part, template)).join(delimiter);
      }
    }
    if (entries.length === 1 && fn === 'Fn::Sub') return resolveSub(args, template);
  }
  throw new Unresolvable(JSON.stringify(value));
}

function resolveRef(name: string, template: Template): string {
  const pseudo = PSEUDO_PARAMETERS[name];
  if (pseudo) return pseudo;
  const fallback = template.Parameters?.[name]?.Default;
  if (typeof fallback === 'string') return fallback;
  throw new Unresolvable(`Ref ${name}`);
}

function resolveSub(args: unknown, template: Template): string {
  const [text, variables] =
    typeof args === 'string' ? [args, {}] : Array.isArray(args) ? args : [undefined, {}];
  if (typeof text !== 'string') throw new Unresolvable(`Fn::Sub ${JSON.stringify(args)}`);
  return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    const local = (variables as Record<string, unknown>)[name];
    return local !== undefined ? resolveString(local, template) : resolveRef(name, template);
  });
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Dynamic references over CloudFormation's per-template limit: a template that packages fine but
 * fails at deploy time. Every value a service reads from SSM this way counts once per use (each
 * function's environment, each log group's key), so the count grows with the functions.
 */
export function checkDynamicReferences(template: Template): Finding[] {
  const count = JSON.stringify(template).split('{{resolve:').length - 1;
  return count > MAX_DYNAMIC_REFERENCES
    ? [{ resource: '(template)', problem: `${count} dynamic references (max ${MAX_DYNAMIC_REFERENCES})` }]
    : [];
}
