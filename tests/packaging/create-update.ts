// osls deploys a new stack in two steps: it creates the stack from
// `cloudformation-template-create-stack.json` (the deployment bucket alone), uploads the code into
// that bucket, then updates the stack to `cloudformation-template-update-stack.json`. A resource in
// both whose properties differ is therefore changed on every first deploy; when the CloudFormation
// spec says the difference replaces the resource (`causesReplacement: yes | maybe`), the first
// deploy replaces it, and for the deployment bucket that means the code is looked up in a new,
// empty bucket and the stack rolls back, on every retry (issue 15, blocker 1). This checker lists
// those differences; the ones that are intended carry a reason in INTENDED_REPLACEMENTS.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isIntrinsic, loadSpec, type Spec } from './cfn-spec';
import type { Finding, Template } from './template-checks';

export const CREATE_TEMPLATE = 'cloudformation-template-create-stack.json';

export interface IntendedReplacement {
  stack: string;
  resource: string;
  /** The property path as reported, e.g. `ObjectLockEnabled`. */
  property: string;
  reason: string;
}

/** None today: a replacement on first deploy is a bug until someone writes down why it is not. */
export const INTENDED_REPLACEMENTS: IntendedReplacement[] = [];

/** The create template next to an update template, or undefined when osls wrote none. */
export function readCreateTemplate(updateTemplatePath: string): Template | undefined {
  const path = join(dirname(updateTemplatePath), CREATE_TEMPLATE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Template) : undefined;
}

/**
 * Every property of a resource present in both templates that differs and whose change replaces
 * the resource. Nested properties are followed into the spec's type definitions, so a change deep
 * inside a property that is itself updatable in place is judged by the nested property's own flag.
 */
export function checkCreateUpdate(create: Template, update: Template, spec: Spec = loadSpec()): Finding[] {
  const findings: Finding[] = [];
  for (const [id, created] of Object.entries(create.Resources ?? {})) {
    const updated = update.Resources?.[id];
    if (!updated) continue;
    if (created.Type !== updated.Type) {
      findings.push({ resource: id, problem: `changes type ${created.Type} -> ${updated.Type} (replaced)` });
      continue;
    }
    const definition = spec.resources.get(String(created.Type));
    if (!definition) continue;
    compare(
      created.Properties ?? {},
      updated.Properties ?? {},
      definition.properties,
      '',
      id,
      spec,
      findings,
    );
  }
  return findings;
}

type Properties = Record<
  string,
  { type: { type: string; reference?: { $ref: string } }; causesReplacement?: string }
>;

function compare(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  schema: Properties,
  prefix: string,
  id: string,
  spec: Spec,
  findings: Finding[],
): void {
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [a, b] = [before[name], after[name]];
    if (same(a, b)) continue;
    const property = schema[name];
    const path = `${prefix}${name}`;
    if (property?.causesReplacement === 'yes' || property?.causesReplacement === 'maybe') {
      findings.push({
        resource: id,
        problem: `${path} differs between the create and update templates, and a change of it replaces the resource (${property.causesReplacement})`,
      });
      continue;
    }
    const nested =
      property?.type.type === 'ref' && spec.typeDefinitions.get(property.type.reference?.$ref ?? '');
    if (nested && isObject(a) && isObject(b)) {
      compare(a, b, nested.properties as Properties, `${path}.`, id, spec, findings);
    }
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isIntrinsic(value);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Findings not covered by an intended replacement of this stack. */
export function unintended(stack: string, findings: Finding[], intended = INTENDED_REPLACEMENTS): Finding[] {
  return findings.filter(
    (finding) =>
      !intended.some(
        (entry) =>
          entry.stack === stack &&
          entry.resource === finding.resource &&
          finding.problem.startsWith(`${entry.property} `),
      ),
  );
}
