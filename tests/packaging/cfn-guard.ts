// AWS Control Tower's proactive controls, run offline with cfn-guard (both shipped by
// @cdklabs/cdk-validator-cfnguard), and the one suppression file that lists the findings we accept
// on purpose, each with its reason. A suppression that matches nothing fails too, so the file only
// ever lists findings that still exist.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { Template } from './template-checks';

const packageRoot = dirname(
  createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json'),
);
export const CONTROL_TOWER_RULES = join(packageRoot, 'rules', 'control-tower', 'cfn-guard');
export const GUARD_BINARY = join(
  packageRoot,
  'bin',
  'ubuntu',
  process.arch === 'arm64' ? 'aarch64' : 'x86_64',
  'cfn-guard',
);
export const SUPPRESSIONS_FILE = new URL('./guard-suppressions.yml', import.meta.url);

/** One failed rule on one resource of one stack. */
export interface GuardFinding {
  stack: string;
  /** cfn-guard's rule name, e.g. `s3_bucket_versioning_enabled_check`. */
  rule: string;
  /** The Control Tower control ids in the rule's message, e.g. `CT.S3.PR.11`. */
  controls: string[];
  /** Logical id, or `(template)` when the failure names no resource. */
  resource: string;
  type?: string;
  /** The rule's `[FIX]` line: what would make the resource compliant. */
  fix?: string;
}

export interface GuardInput {
  stack: string;
  path: string;
  template: Template;
}

/**
 * Runs cfn-guard once over every template. `--structured --output-format json --show-summary none`
 * prints a JSON array with one report per data file: `{ name, status, not_compliant: [...] }`,
 * where each not-compliant entry is a `{ Rule: { name, checks } }` tree whose leaves carry the
 * `path` (`/Resources/<LogicalId>/...`) of the value that failed and whose messages carry the
 * control id (`[CT.S3.PR.1]`) and the fix.
 */
export function runGuard(inputs: GuardInput[], rules: string = CONTROL_TOWER_RULES): GuardFinding[] {
  if (inputs.length === 0) return [];
  const args = ['validate', '--rules', rules];
  for (const input of inputs) args.push('--data', input.path);
  args.push('--output-format', 'json', '--show-summary', 'none', '--structured');
  const result = spawnSync(GUARD_BINARY, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw result.error;
  // 0: all compliant; 19: some rule failed (5 in older releases). Anything else is cfn-guard failing.
  if (![0, 5, 19].includes(result.status ?? -1)) {
    throw new Error(`cfn-guard exited with ${result.status}: ${result.stderr}`);
  }
  const reports = JSON.parse(result.stdout || '[]') as Array<{ name: string; not_compliant?: unknown[] }>;
  const byPath = new Map(inputs.map((input) => [input.path, input]));
  const findings: GuardFinding[] = [];
  for (const report of reports) {
    const input = byPath.get(report.name) ?? inputs.find((i) => report.name.endsWith(i.path));
    if (!input) throw new Error(`cfn-guard reported on an unknown file ${report.name}`);
    for (const entry of report.not_compliant ?? []) findings.push(...readEntry(entry, input));
  }
  return findings;
}

function readEntry(entry: unknown, input: GuardInput): GuardFinding[] {
  const rule = (entry as { Rule?: { name?: string } }).Rule?.name ?? Object.keys(entry as object)[0] ?? '?';
  const resources = new Set<string>();
  const controls = new Set<string>();
  let fix: string | undefined;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === 'path' && typeof child === 'string') {
        const match = /^\/Resources\/([^/]+)/.exec(child);
        if (match?.[1]) resources.add(match[1]);
      } else if (key === 'custom_message' && typeof child === 'string') {
        for (const [, id] of child.matchAll(/\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/g)) if (id) controls.add(id);
        fix ??= /\[FIX\]:\s*(.+)/.exec(child)?.[1]?.trim();
      } else {
        walk(child);
      }
    }
  };
  walk(entry);
  const ids = resources.size > 0 ? [...resources] : ['(template)'];
  return ids.map((resource) => ({
    stack: input.stack,
    rule,
    controls: [...controls],
    resource,
    type: input.template.Resources?.[resource]?.Type,
    fix,
  }));
}

export interface Suppression {
  rule: string;
  resource?: string;
  type?: string;
  stack?: string;
  reason: string;
}

/** Reads the suppression file; every entry names a rule, a resource or type, and a reason. */
export function loadSuppressions(file: URL | string = SUPPRESSIONS_FILE): Suppression[] {
  if (!existsSync(file)) return [];
  const document = parse(readFileSync(file, 'utf8')) as { suppressions?: unknown } | null;
  const entries = document?.suppressions ?? [];
  if (!Array.isArray(entries)) throw new Error('guard-suppressions.yml: `suppressions` must be a list');
  return entries.map((entry, index) => {
    const s = (entry ?? {}) as Partial<Suppression>;
    const at = `guard-suppressions.yml entry ${index}`;
    if (typeof s.rule !== 'string' || s.rule === '')
      throw new Error(`${at}: needs a rule (rule name or CT id)`);
    if (!s.resource && !s.type) throw new Error(`${at}: needs a resource (logical id) or a type`);
    if (typeof s.reason !== 'string' || s.reason.trim().length < 20) {
      throw new Error(`${at}: needs a reason (a sentence saying why this is intended)`);
    }
    return { rule: s.rule, resource: s.resource, type: s.type, stack: s.stack, reason: s.reason.trim() };
  });
}

export function matches(suppression: Suppression, finding: GuardFinding): boolean {
  if (suppression.rule !== finding.rule && !finding.controls.includes(suppression.rule)) return false;
  if (suppression.stack !== undefined && suppression.stack !== finding.stack) return false;
  if (suppression.resource !== undefined && !globMatches(suppression.resource, finding.resource))
    return false;
  if (suppression.type !== undefined && suppression.type !== finding.type) return false;
  return true;
}

/** `*` in a suppression's resource matches any run of characters (`*LambdaPermissionApiGateway`). */
function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(value);
}

/** Splits findings into the ones no suppression covers, and lists suppressions that cover nothing. */
export function applySuppressions(
  findings: GuardFinding[],
  suppressions: Suppression[],
): { unsuppressed: GuardFinding[]; unused: Suppression[] } {
  const used = new Set<Suppression>();
  const unsuppressed = findings.filter((finding) => {
    const covering = suppressions.filter((s) => matches(s, finding));
    for (const s of covering) used.add(s);
    return covering.length === 0;
  });
  return { unsuppressed, unused: suppressions.filter((s) => !used.has(s)) };
}

/** One line per failed rule of a stack: the control, the resources that fail it and the fix. */
export function describeFindings(findings: GuardFinding[]): string[] {
  const byRule = new Map<string, GuardFinding[]>();
  for (const finding of findings) {
    const key = `${finding.stack} ${finding.rule}`;
    byRule.set(key, [...(byRule.get(key) ?? []), finding]);
  }
  return [...byRule.values()].map((group) => {
    const first = group[0] as GuardFinding;
    const resources = group.map((f) => `${f.resource}${f.type ? ` (${f.type})` : ''}`).join(', ');
    const control = first.controls.join('/') || first.rule;
    return `${control} ${first.rule} on ${resources}${first.fix ? ` -- FIX: ${first.fix}` : ''}`;
  });
}
