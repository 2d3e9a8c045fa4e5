// Checks a template against the current CloudFormation resource specification, as shipped by
// `@aws-cdk/aws-service-spec` (db.json.gz): every resource type exists, every property (nested
// ones too) exists for its type, and required properties are present. A value that is an
// intrinsic function (Ref, Fn::If, ...) is accepted wherever a value goes: its result is only
// known at deploy time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Finding, Template } from './template-checks';

/** A property's type as the spec database writes it. */
interface SpecType {
  type: string;
  element?: SpecType;
  reference?: { $ref: string };
  types?: SpecType[];
}

interface SpecProperty {
  type: SpecType;
  required?: boolean;
}

export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

interface SpecTypeDefinition {
  $id: string;
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface Spec {
  resources: Map<string, SpecResource>;
  typeDefinitions: Map<string, SpecTypeDefinition>;
}

let cached: Spec | undefined;

/**
 * The spec database is `{ schema: { resource: { entities: [...] }, typeDefinition: { entities:
 * [...] }, ... } }`; a resource's properties map name -> `{ type, required? }`, and a property
 * whose type is `{ type: 'ref', reference: { $ref } }` points at a typeDefinition by `$id`.
 */
export function loadSpec(): Spec {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('@aws-cdk/aws-service-spec/package.json')), 'db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    schema: {
      resource: { entities: SpecResource[] };
      typeDefinition: { entities: SpecTypeDefinition[] };
    };
  };
  cached = {
    resources: new Map(db.schema.resource.entities.map((r) => [r.cloudFormationType, r])),
    typeDefinitions: new Map(db.schema.typeDefinition.entities.map((t) => [t.$id, t])),
  };
  return cached;
}

/** Custom resources carry whatever properties their provider reads; only ServiceToken is fixed. */
export const isCustomResourceType = (type: string): boolean =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

export function isIntrinsic(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const [key] = keys;
  return (
    keys.length === 1 && key !== undefined && (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::'))
  );
}

export function checkSpec(template: Template, spec: Spec = loadSpec()): Finding[] {
  const findings: Finding[] = [];
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const type = resource.Type;
    if (typeof type !== 'string') {
      findings.push({ resource: id, problem: 'has no Type' });
      continue;
    }
    const properties = resource.Properties ?? {};
    if (isCustomResourceType(type)) {
      if (properties.ServiceToken === undefined) {
        findings.push({ resource: id, problem: `${type} has no ServiceToken` });
      }
      continue;
    }
    const definition = spec.resources.get(type);
    if (!definition) {
      findings.push({ resource: id, problem: `type ${type} is not in the CloudFormation specification` });
      continue;
    }
    checkObject(properties, definition.properties, `${type} Properties`, id, spec, findings);
  }
  return findings;
}

function checkObject(
  value: unknown,
  schema: Record<string, SpecProperty>,
  where: string,
  id: string,
  spec: Spec,
  findings: Finding[],
): void {
  if (isIntrinsic(value)) return;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    findings.push({ resource: id, problem: `${where} is not an object` });
    return;
  }
  const object = value as Record<string, unknown>;
  for (const [name, property] of Object.entries(schema)) {
    if (property.required && object[name] === undefined) {
      findings.push({ resource: id, problem: `${where} misses required property ${name}` });
    }
  }
  for (const [name, child] of Object.entries(object)) {
    const property = schema[name];
    if (!property) {
      findings.push({ resource: id, problem: `${where} has unknown property ${name}` });
      continue;
    }
    checkValue(child, property.type, `${where}.${name}`, id, spec, findings);
  }
}

function checkValue(
  value: unknown,
  type: SpecType,
  where: string,
  id: string,
  spec: Spec,
  findings: Finding[],
): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'ref': {
      const definition = type.reference && spec.typeDefinitions.get(type.reference.$ref);
      if (definition) checkObject(value, definition.properties, where, id, spec, findings);
      return;
    }
    case 'array':
      if (Array.isArray(value) && type.element) {
        const element = type.element;
        value.forEach((item, index) => {
          checkValue(item, element, `${where}[${index}]`, id, spec, findings);
        });
      }
      return;
    case 'map':
      if (value && typeof value === 'object' && !Array.isArray(value) && type.element) {
        for (const [key, item] of Object.entries(value)) {
          checkValue(item, type.element, `${where}.${key}`, id, spec, findings);
        }
      }
      return;
    default:
      // Primitives, free-form JSON, tags and unions (which of the types applies is ambiguous).
      return;
  }
}
