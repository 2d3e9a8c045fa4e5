import { type $ZodIssue, safeParse } from 'zod/v4/core';
import type { Schema } from './schema';

type Env = Readonly<Record<string, string | undefined>>;

/** The environment does not hold the configuration a function needs. Thrown at cold start, on purpose. */
export class ConfigError extends Error {
  /** Every variable that is missing or invalid. */
  readonly variables: readonly string[];

  constructor(problems: readonly { variable: string; problem: string }[]) {
    super(
      `Invalid configuration: ${problems.map(({ variable, problem }) => `${variable} ${problem}`).join('; ')}`,
    );
    this.name = 'ConfigError';
    this.variables = Object.freeze([...new Set(problems.map(({ variable }) => variable))]);
  }
}

/**
 * Validates the environment against `schema` once, at cold start, and returns it frozen. Every
 * missing or invalid variable is named in one {@link ConfigError}, so a broken deployment fails at
 * once instead of half-working. Values are never echoed (they may be secrets). An empty
 * variable counts as missing: a resource name must never silently default to `''`.
 */
export const readConfig = <T>(schema: Schema<T>, env: Env = process.env): Readonly<T> => {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = safeParse(schema, present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => describe(issue, present)));
  }
  return deepFreeze(result.data);
};

const describe = (issue: $ZodIssue, env: Env): { variable: string; problem: string } => {
  const variable = issue.path.map(String).join('.') || '(environment)';
  const [name] = issue.path;
  const missing = typeof name === 'string' && env[name] === undefined;
  return { variable, problem: missing ? 'is missing' : `is invalid (${issue.message})` };
};

const deepFreeze = <T>(value: T): Readonly<T> => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) {
      deepFreeze(nested);
    }
  }
  return value;
};
