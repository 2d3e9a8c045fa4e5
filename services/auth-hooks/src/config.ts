import type { DbConnectionConfig } from '@shop/db';
import { normaliseDomain } from '@shop/domain';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

// Each function reads only the configuration it uses: pre sign-up has no database, pre token
// generation needs nothing, and neither should fail for want of variables it never touches.

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = z.string().check(z.minLength(1));

/** The literal that means "block no domain"; an empty or missing list is a configuration error. */
export const NO_BLOCKED_DOMAINS = 'none';

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

const isDomainEntry = (entry: string): boolean => {
  try {
    normaliseDomain(entry);
    return true;
  } catch {
    return false;
  }
};

const signUpEnv = z.object({
  /** Comma-separated domains (subdomains included) refused at sign-up, or `none`. */
  BLOCKED_EMAIL_DOMAINS: nonEmpty.check(
    z.refine(
      (value) =>
        value.trim() === NO_BLOCKED_DOMAINS ||
        (splitList(value).length > 0 && splitList(value).every(isDomainEntry)),
      `must be "${NO_BLOCKED_DOMAINS}" or a comma-separated list of domain names`,
    ),
  ),
});

export interface SignUpConfig {
  /** Lower-cased, without duplicates. */
  readonly blockedDomains: readonly string[];
}

export const loadSignUpConfig = (env: Env = process.env): SignUpConfig => {
  const { BLOCKED_EMAIL_DOMAINS: list } = readConfig(signUpEnv, env);
  const blockedDomains = list.trim() === NO_BLOCKED_DOMAINS ? [] : splitList(list).map(normaliseDomain);
  return Object.freeze({ blockedDomains: Object.freeze([...new Set(blockedDomains)]) });
};

const databaseEnv = z
  .object({
    // Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth. The writer, not the
    // reader: GET /me usually follows the confirmation that wrote the row by seconds.
    DATABASE_URL: z.optional(nonEmpty),
    DATABASE_HOST: z.optional(nonEmpty),
    DATABASE_PORT: z.optional(z.coerce.number().check(z.int(), z.positive())),
    DATABASE_NAME: z.optional(nonEmpty),
    DATABASE_USER: z.optional(nonEmpty),
    AWS_REGION: nonEmpty,
  })
  .check(
    z.superRefine((env, ctx) => {
      if (env.DATABASE_URL !== undefined) return;
      for (const key of ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER'] as const) {
        if (env[key] === undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'required when DATABASE_URL is not set' });
        }
      }
    }),
  );

export const loadDatabaseConfig = (env: Env = process.env): DbConnectionConfig => {
  const e = readConfig(databaseEnv, env);
  if (e.DATABASE_URL !== undefined) return Object.freeze({ url: e.DATABASE_URL });
  return Object.freeze({
    host: e.DATABASE_HOST!,
    port: e.DATABASE_PORT!,
    database: e.DATABASE_NAME!,
    user: e.DATABASE_USER!,
    region: e.AWS_REGION,
  });
};

const cognitoEnv = z.object({
  AWS_REGION: nonEmpty,
  /** Only set locally (cognito-local); on AWS the SDK finds Cognito itself. */
  COGNITO_ENDPOINT: z.optional(z.url({ protocol: /^https?$/ })),
});

export interface CognitoConfig {
  readonly region: string;
  readonly endpoint: string | undefined;
}

export const loadCognitoConfig = (env: Env = process.env): CognitoConfig => {
  const e = readConfig(cognitoEnv, env);
  return Object.freeze({ region: e.AWS_REGION, endpoint: e.COGNITO_ENDPOINT });
};
