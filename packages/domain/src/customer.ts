import { ValidationError } from './errors';

/**
 * Customers: the shop's record of a Cognito user, created once when the user confirms sign-up.
 *
 * Email addresses are normalised to lower case everywhere the shop stores or compares them. Cognito
 * keeps the address as typed (a pre sign-up trigger cannot rewrite attributes), but the user pool
 * signs in by email case-insensitively, so `Alice@Example.com` and `alice@example.com` are one user;
 * the customers row holds the lower-cased form.
 */

/** The Cognito group every confirmed customer joins (`cognito:groups` in the ID token). */
export const CUSTOMER_GROUP = 'customer';

export const CUSTOMER_LIMITS = Object.freeze({
  /** RFC 5321: 64 for the local part, 254 for the whole path. */
  emailMaxLength: 254,
  localPartMaxLength: 64,
  domainMaxLength: 253,
  nameMaxLength: 200,
});

export interface EmailAddress {
  /** Lower-cased, as stored. */
  readonly address: string;
  readonly localPart: string;
  readonly domain: string;
}

export interface Customer {
  /** The Cognito `sub`. */
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly createdAt: string;
}

/** A customer about to be stored: every field already normalised. */
export type NewCustomer = Omit<Customer, 'createdAt'>;

/** What `GET /me` answers: the stored customer plus the groups of the caller's token. */
export interface Me extends Customer {
  readonly groups: readonly string[];
}

// Dot-atoms only (no quoted local parts, no IP literals): what real mailboxes use and what every
// mail system accepts. Checked after lower-casing.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// A top-level domain is letters (or an IDN in punycode), never all digits, so `1.2.3.4` is no domain.
const TOP_LEVEL_DOMAIN = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

const INVALID_EMAIL = 'Enter a valid email address';

/** The comparison form of an email address: trimmed and lower-cased. */
export const normaliseEmail = (raw: string): string => raw.trim().toLowerCase();

/** Whether `value` (already lower-cased) is a host name with at least two labels. */
export const isDomainName = (value: string): boolean => {
  if (value.length === 0 || value.length > CUSTOMER_LIMITS.domainMaxLength) return false;
  const labels = value.split('.');
  const topLevel = labels.at(-1) ?? '';
  return (
    labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LEVEL_DOMAIN.test(topLevel)
  );
};

/**
 * Parses and normalises an email address.
 * @throws {ValidationError} with a message fit to show the person signing up.
 */
export const parseEmail = (raw: string): EmailAddress => {
  const address = normaliseEmail(raw);
  const at = address.lastIndexOf('@');
  const localPart = address.slice(0, Math.max(at, 0));
  const domain = address.slice(at + 1);
  const valid =
    at > 0 &&
    address.length <= CUSTOMER_LIMITS.emailMaxLength &&
    localPart.length <= CUSTOMER_LIMITS.localPartMaxLength &&
    LOCAL_PART.test(localPart) &&
    isDomainName(domain);
  if (!valid) {
    throw new ValidationError(INVALID_EMAIL, [{ path: 'email', message: 'must be a valid email address' }]);
  }
  return Object.freeze({ address, localPart, domain });
};

export const isEmail = (raw: string): boolean => {
  try {
    parseEmail(raw);
    return true;
  } catch {
    return false;
  }
};

/**
 * Normalises one entry of a blocked-domain list: `@Mailinator.COM.` -> `mailinator.com`.
 * @throws {ValidationError} when the entry is not a domain name.
 */
export const normaliseDomain = (raw: string): string => {
  const domain = raw.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
  if (!isDomainName(domain)) {
    throw new ValidationError(`"${raw}" is not a domain name`);
  }
  return domain;
};

/** A blocked domain also blocks its subdomains: blocking `mailinator.com` blocks `eu.mailinator.com`. */
export const isDomainBlocked = (domain: string, blockedDomains: readonly string[]): boolean =>
  blockedDomains.some((blocked) => domain === blocked || domain.endsWith(`.${blocked}`));

/**
 * The sign-up rule: a well-formed address whose domain is not blocked. Returns the normalised address.
 * @param blockedDomains normalised with {@link normaliseDomain}.
 * @throws {ValidationError} whose message Cognito shows the person signing up.
 */
export const assertSignUpAllowed = (rawEmail: string, blockedDomains: readonly string[]): EmailAddress => {
  const email = parseEmail(rawEmail);
  if (isDomainBlocked(email.domain, blockedDomains)) {
    throw new ValidationError(`Sign-ups from ${email.domain} are not accepted`, [
      { path: 'email', message: 'uses a domain that is not accepted' },
    ]);
  }
  return email;
};

/**
 * The display name of a new customer: the `name` attribute with whitespace and control characters
 * tidied and cut to {@link CUSTOMER_LIMITS.nameMaxLength} characters, or the email's local part
 * when there is no usable name.
 */
export const customerName = (rawName: string | undefined, email: EmailAddress): string => {
  const tidy = (value: string) =>
    Array.from(
      value
        .replace(/\p{Cc}/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
      .slice(0, CUSTOMER_LIMITS.nameMaxLength)
      .join('')
      .trim();
  const name = rawName === undefined ? '' : tidy(rawName);
  return name === '' ? tidy(email.localPart) : name;
};

/** Builds the customer record of a confirmed Cognito user; the id is the user's `sub`. */
export const newCustomer = (input: { sub: string; email: string; name: string | undefined }): NewCustomer => {
  const email = parseEmail(input.email);
  return Object.freeze({ id: input.sub, email: email.address, name: customerName(input.name, email) });
};
