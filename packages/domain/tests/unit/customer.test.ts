import { describe, expect, it } from 'vitest';
import {
  assertSignUpAllowed,
  customerName,
  isDomainBlocked,
  isEmail,
  newCustomer,
  normaliseDomain,
  normaliseEmail,
  parseEmail,
} from '../../src/customer';
import { ValidationError } from '../../src/errors';

const sub = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('email addresses', () => {
  it('lower-cases and trims an address for storage and comparison', () => {
    expect(normaliseEmail('  Alice.Smith@Example.COM ')).toBe('alice.smith@example.com');
  });

  it('splits a valid address into local part and domain', () => {
    expect(parseEmail('Alice+Shop@Mail.Example.co.uk')).toEqual({
      address: 'alice+shop@mail.example.co.uk',
      localPart: 'alice+shop',
      domain: 'mail.example.co.uk',
    });
  });

  it.each([
    'a@b.co',
    "o'brien@example.com",
    'first.last@sub.example.org',
    'x@xn--bcher-kva.example',
    `${'l'.repeat(64)}@example.com`,
  ])('accepts %s', (email) => {
    expect(isEmail(email)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['no @', 'alice.example.com'],
    ['no local part', '@example.com'],
    ['two @', 'a@b@example.com'],
    ['no top-level domain', 'alice@localhost'],
    ['a numeric top-level domain (an IP address)', 'alice@127.0.0.1'],
    ['a space inside', 'ali ce@example.com'],
    ['a leading dot', '.alice@example.com'],
    ['consecutive dots', 'al..ice@example.com'],
    ['a label starting with a hyphen', 'alice@-example.com'],
    ['an empty label', 'alice@example..com'],
    ['a quoted local part', '"alice"@example.com'],
    ['a local part over 64 characters', `${'l'.repeat(65)}@example.com`],
    ['an address over 254 characters', `${'l'.repeat(64)}@${`${'d'.repeat(60)}.`.repeat(3)}example.com`],
    ['non-ASCII characters', 'jöhn@example.com'],
    ['an HTML payload', '<script>@example.com'],
  ])('rejects %s with a message fit for the user', (_, email) => {
    expect(() => parseEmail(email)).toThrow(ValidationError);
    expect(() => parseEmail(email)).toThrow('Enter a valid email address');
  });
});

describe('blocked domains', () => {
  it('normalises list entries', () => {
    expect(normaliseDomain(' @Mailinator.COM. ')).toBe('mailinator.com');
  });

  it.each(['', 'not a domain', 'localhost', 'a@b.com'])('refuses the list entry "%s"', (entry) => {
    expect(() => normaliseDomain(entry)).toThrow(ValidationError);
  });

  it('blocks the domain itself and its subdomains, not look-alikes', () => {
    const blocked = ['mailinator.com'];
    expect(isDomainBlocked('mailinator.com', blocked)).toBe(true);
    expect(isDomainBlocked('eu.mailinator.com', blocked)).toBe(true);
    expect(isDomainBlocked('notmailinator.com', blocked)).toBe(false);
    expect(isDomainBlocked('mailinator.com.example', blocked)).toBe(false);
  });
});

describe('assertSignUpAllowed', () => {
  const blocked = ['example.invalid', 'mailinator.com'];

  it('returns the normalised address of an allowed sign-up', () => {
    expect(assertSignUpAllowed('Bob@Example.com', blocked).address).toBe('bob@example.com');
  });

  it('rejects a blocked domain whatever its case, naming the domain', () => {
    expect(() => assertSignUpAllowed('eve@EXAMPLE.Invalid', blocked)).toThrow(
      'Sign-ups from example.invalid are not accepted',
    );
  });

  it('rejects a malformed address before looking at the domain', () => {
    expect(() => assertSignUpAllowed('eve@@mailinator.com', blocked)).toThrow('Enter a valid email address');
  });

  it('accepts everything well-formed when nothing is blocked', () => {
    expect(assertSignUpAllowed('eve@mailinator.com', []).domain).toBe('mailinator.com');
  });
});

describe('customer names', () => {
  const email = parseEmail('jane.doe@example.com');

  it('uses the name attribute, tidied', () => {
    expect(customerName('  Jane \t\n Doe  ', email)).toBe('Jane Doe');
  });

  it.each([undefined, '', '   ', '\u0000\u0007'])('falls back to the local part for the name %j', (name) => {
    expect(customerName(name, email)).toBe('jane.doe');
  });

  it('cuts a long name to 200 characters without splitting a character', () => {
    const name = customerName('😀'.repeat(250), email);
    expect(Array.from(name)).toHaveLength(200);
    expect(name).toBe('😀'.repeat(200));
  });
});

describe('newCustomer', () => {
  it('keeps the sub as id and stores the lower-cased email', () => {
    expect(newCustomer({ sub, email: 'Jane@Example.COM', name: 'Jane' })).toEqual({
      id: sub,
      email: 'jane@example.com',
      name: 'Jane',
    });
  });

  it('refuses an address that is not an email', () => {
    expect(() => newCustomer({ sub, email: 'nope', name: undefined })).toThrow(ValidationError);
  });
});
