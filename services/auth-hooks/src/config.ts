import { type DbConnectionConfig, databaseConnectionFromEnv, databaseEnv } from '@shop/db';
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

// Locally: a URL. On AWS: the Aurora writer endpoint, reached with IAM auth. The writer, not the
// reader: GET /me usually follows the confirmation that wrote the row by seconds.
const databaseSchema = z.object(databaseEnv.shape).check(databaseEnv.check);

export const loadDatabaseConfig = (env: Env = process.env): DbConnectionConfig =>
  databaseConnectionFromEnv(readConfig(databaseSchema, env));

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
