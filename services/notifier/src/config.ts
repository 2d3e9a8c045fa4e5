import { type DbConnectionConfig, databaseConnectionFromEnv, databaseEnv } from '@shop/db';
import { readConfig } from '@shop/lambda-kit';
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.minLength(1));
const email = z.email();

/**
 * `a@x.com, B@y.com` -> the addresses, trimmed, as written (a mailbox's local part may be
 * case-sensitive), without repeats that differ only in case (the first one written is kept).
 */
export const parseEmailList = (value: string): string[] => {
  const byKey = new Map<string, string>();
  for (const address of value.split(',').map((a) => a.trim())) {
    if (address !== '' && !byKey.has(address.toLowerCase())) byKey.set(address.toLowerCase(), address);
  }
  return [...byKey.values()];
};

const isEmailList = (value: string): boolean => {
  const addresses = parseEmailList(value);
  return addresses.length > 0 && addresses.every((address) => z.safeParse(email, address).success);
};

const envSchema = z
  .object({
    ...databaseEnv.shape,
    /** The verified sender (an address of the SES identity `mailDomain`). */
    MAIL_FROM_ADDRESS: email,
    /** Who gets LowStock and OutOfStock alerts: comma-separated addresses, at least one. */
    ADMIN_ALERT_RECIPIENTS: z
      .string()
      .check(z.refine(isEmailList, 'must be a comma-separated list of email addresses')),
    /** Product links in emails: `<STOREFRONT_URL>/products/<id>`. */
    STOREFRONT_URL: z.url({ protocol: /^https?$/ }),
    /** The SES configuration set (resources/ses.yml); the local stand-in has none. */
    SES_CONFIGURATION_SET: z.optional(nonEmpty),
    /** Locally: aws-ses-v2-local. Unset on AWS (the regional SES endpoint). */
    SES_ENDPOINT: z.optional(z.url({ protocol: /^https?$/ })),
  })
  .check(databaseEnv.check);

export interface NotifierConfig {
  /** Reads open subscriptions and writes deliveries: the writer, as the `notifier` user on AWS. */
  readonly database: DbConnectionConfig;
  readonly region: string;
  readonly mailFrom: string;
  /** Without repeats (case-insensitive), never empty. */
  readonly adminRecipients: readonly string[];
  /** Without a trailing slash. */
  readonly storefrontUrl: string;
  readonly sesConfigurationSet: string | undefined;
  readonly sesEndpoint: string | undefined;
}

/** Read once per cold start: a missing or malformed variable fails the first invocation, naming it. */
export const loadNotifierConfig = (env: NodeJS.ProcessEnv = process.env): NotifierConfig => {
  const e = readConfig(envSchema, env);
  return Object.freeze({
    database: databaseConnectionFromEnv(e),
    region: e.AWS_REGION,
    mailFrom: e.MAIL_FROM_ADDRESS,
    adminRecipients: Object.freeze(parseEmailList(e.ADMIN_ALERT_RECIPIENTS)),
    storefrontUrl: e.STOREFRONT_URL.replace(/\/+$/, ''),
    sesConfigurationSet: e.SES_CONFIGURATION_SET,
    sesEndpoint: e.SES_ENDPOINT,
  });
};
