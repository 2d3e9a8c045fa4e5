// Every reference inside a template resolves: `Ref` to a parameter, resource or pseudo parameter;
// `Fn::GetAtt` to a resource and, where the specification lists the type's attributes, to one of
// them; `${...}` in `Fn::Sub` to any of those or a key of its variable map; `DependsOn`, resource
// `Condition` and `Fn::If` to what exists. CloudFormation rejects such a template only at deploy
// time, after the earlier stacks have gone out.
import { isCustomResourceType, loadSpec, type Spec } from './cfn-spec';
import type { Finding, Template } from './template-checks';

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export function checkReferences(template: Template, spec: Spec = loadSpec()): Finding[] {
  const findings: Finding[] = [];
  const resources = template.Resources ?? {};
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));

  const refTargetExists = (name: string) =>
    PSEUDO_PARAMETERS.has(name) || parameters.has(name) || name in resources;

  const checkGetAtt = (owner: string, target: string, attribute: unknown, where: string) => {
    const resource = resources[target];
    if (!resource) {
      findings.push({ resource: owner, problem: `${where}: Fn::GetAtt names unknown resource ${target}` });
      return;
    }
    if (typeof attribute !== 'string') return; // an attribute chosen by Ref: not known until deploy
    const type = resource.Type ?? '';
    if (isCustomResourceType(type)) return;
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
    const attributes = Object.keys(spec.resources.get(type)?.attributes ?? {});
    if (attributes.length > 0 && !attributes.includes(attribute)) {
      findings.push({
        resource: owner,
        problem: `${where}: ${type} ${target} has no attribute ${attribute} (has ${attributes.join(', ')})`,
      });
    }
  };

  const walk = (owner: string, value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(owner, item, `${where}[${index}]`);
      });
      return;
    }
    if (!value || typeof value !== 'object') return;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [fn, args] = entries[0] as [string, unknown];
      if (fn === 'Ref') {
        if (typeof args !== 'string' || !refTargetExists(args)) {
          findings.push({
            resource: owner,
            problem: `${where}: Ref ${JSON.stringify(args)} resolves to nothing`,
          });
        }
        return;
      }
      if (fn === 'Fn::GetAtt') {
        const [target, attribute] =
          typeof args === 'string'
            ? [args.slice(0, args.indexOf('.')), args.slice(args.indexOf('.') + 1)]
            : Array.isArray(args)
              ? [args[0], args[1]]
              : [undefined, undefined];
        if (typeof target !== 'string' || target === '') {
          findings.push({
            resource: owner,
            problem: `${where}: malformed Fn::GetAtt ${JSON.stringify(args)}`,
          });
        } else {
          checkGetAtt(owner, target, attribute, where);
        }
        if (attribute !== undefined && typeof attribute !== 'string') walk(owner, attribute, where);
        return;
      }
      if (fn === 'Fn::Sub') {
        const [text, variables] =
          typeof args === 'string' ? [args, {}] : Array.isArray(args) ? [args[0], args[1] ?? {}] : [];
        if (typeof text !== 'string' || !variables || typeof variables !== 'object') {
          findings.push({ resource: owner, problem: `${where}: malformed Fn::Sub ${JSON.stringify(args)}` });
          return;
        }
        const local = variables as Record<string, unknown>;
        for (const [, name] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const trimmed = (name ?? '').trim();
          if (trimmed in local || refTargetExists(trimmed)) continue;
          const dot = trimmed.indexOf('.');
          if (dot > 0) {
            checkGetAtt(owner, trimmed.slice(0, dot), trimmed.slice(dot + 1), `${where} (Fn::Sub)`);
          } else {
            findings.push({
              resource: owner,
              problem: `${where}: Fn::Sub \${${trimmed}} resolves to nothing`,
            });
          }
        }
        walk(owner, local, where);
        return;
      }
      if (fn === 'Fn::If' && Array.isArray(args)) {
        if (typeof args[0] !== 'string' || !conditions.has(args[0])) {
          findings.push({
            resource: owner,
            problem: `${where}: Fn::If names unknown condition ${JSON.stringify(args[0])}`,
          });
        }
        walk(owner, args.slice(1), where);
        return;
      }
      if (fn === 'Condition' && typeof args === 'string') {
        if (!conditions.has(args)) {
          findings.push({ resource: owner, problem: `${where}: Condition ${args} does not exist` });
        }
        return;
      }
      if (fn === 'Fn::FindInMap' && Array.isArray(args) && typeof args[0] === 'string') {
        if (!(args[0] in (template.Mappings ?? {}))) {
          findings.push({
            resource: owner,
            problem: `${where}: Fn::FindInMap names unknown mapping ${args[0]}`,
          });
        }
      }
    }
    for (const [key, child] of entries) walk(owner, child, `${where}.${key}`);
  };

  for (const [id, resource] of Object.entries(resources)) {
    walk(id, resource.Properties, 'Properties');
    for (const dependency of asArray(resource.DependsOn)) {
      if (typeof dependency !== 'string' || !(dependency in resources)) {
        findings.push({ resource: id, problem: `DependsOn ${JSON.stringify(dependency)} is not a resource` });
      }
    }
    if (resource.Condition !== undefined && !conditions.has(String(resource.Condition))) {
      findings.push({ resource: id, problem: `Condition ${String(resource.Condition)} does not exist` });
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    walk(`Outputs.${name}`, output, 'Output');
  }
  for (const [name, condition] of Object.entries(template.Conditions ?? {})) {
    walk(`Conditions.${name}`, condition, 'Condition');
  }
  return findings;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
