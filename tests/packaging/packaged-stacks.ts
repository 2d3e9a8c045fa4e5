// Finds every stack `pnpm package` wrote, wherever it lives (services/*, stacks/*, ...): any
// `.serverless/cloudformation-template-update-stack.json` in the repo. New stacks join the checks
// without being listed anywhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Template } from './template-checks';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TEMPLATE = join('.serverless', 'cloudformation-template-update-stack.json');
const SKIP = new Set(['node_modules', '.git', '.tools', '.esbuild', '.dev', 'coverage', 'dist', 'fixtures']);

export interface PackagedStack {
  /** The stack's folder relative to the repo root, e.g. `services/catalog`. */
  stack: string;
  path: string;
  template: Template;
}

export function findPackagedStacks(root: string = ROOT): PackagedStack[] {
  const found: PackagedStack[] = [];
  const visit = (dir: string, depth: number): void => {
    const template = join(dir, TEMPLATE);
    if (existsSync(template)) {
      found.push({
        stack: relative(root, dir) || '.',
        path: template,
        template: JSON.parse(readFileSync(template, 'utf8')) as Template,
      });
    }
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP.has(entry.name) && entry.name !== '.serverless') {
        visit(join(dir, entry.name), depth - 1);
      }
    }
  };
  visit(root, 4);
  return found.sort((a, b) => a.stack.localeCompare(b.stack));
}

/** The folders serverless-compose.yml packages: each must have produced a template. */
export function composeStackPaths(root: string = ROOT): string[] {
  const compose = parse(readFileSync(join(root, 'serverless-compose.yml'), 'utf8')) as {
    services?: Record<string, { path?: string }>;
  };
  return Object.values(compose.services ?? {})
    .map((service) => service.path?.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((path): path is string => typeof path === 'string');
}
