import { ConfigError } from '@shop/lambda-kit';
import { lambdaContext } from '@shop/lambda-kit/testing';
import { describe, expect, it } from 'vitest';
import type { SignUpConfig } from '../../src/config';
import { preSignUpHandler } from '../../src/handlers/pre-sign-up';
import { TRIGGER_FAILED_MESSAGE } from '../../src/trigger-handler';
import { failureOf } from '../support/failure';
import { loggedText, spyOnLogs } from '../support/logs';
import { events } from './support/events';

const blocking =
  (...blockedDomains: string[]) =>
  () =>
    ({ blockedDomains }) as SignUpConfig;
const handler = preSignUpHandler(blocking('example.invalid', 'mailinator.com'));
const context = lambdaContext('shop-auth-hooks-test-preSignUp');
const logs = spyOnLogs();

const withEmail = (email: string | undefined) => {
  const event = events.preSignUp();
  if (email === undefined) delete event.request.userAttributes.email;
  else event.request.userAttributes.email = email;
  return event;
};

describe('pre sign-up', () => {
  it('lets a well-formed address through and returns the event unchanged (no auto-confirmation)', async () => {
    const event = events.preSignUp();

    const result = await handler(event, context);

    expect(result).toEqual(events.preSignUp());
    expect(result.response).toEqual({
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
    });
  });

  it('gives the same answer however often Cognito sends the same event', async () => {
    const first = await handler(events.preSignUp(), context);
    const second = await handler(events.preSignUp(), context);

    expect(second).toEqual(first);
  });

  it.each([
    ['eve@example.invalid', 'example.invalid'],
    ['Eve@EXAMPLE.Invalid', 'example.invalid'],
    ['eve@eu.mailinator.com', 'eu.mailinator.com'],
  ])('refuses %s with a message Cognito shows the user', async (email, domain) => {
    await expect(handler(withEmail(email), context)).rejects.toThrow(
      new Error(`Sign-ups from ${domain} are not accepted`),
    );
  });

  it('logs a rejection as structured information without the address', async () => {
    await handler(withEmail('Eve.Smith@example.invalid'), context).catch(() => undefined);

    expect(logs.info).toHaveBeenCalledWith('pre sign-up rejected the request', {
      code: 'VALIDATION_FAILED',
      reason: 'Sign-ups from example.invalid are not accepted',
    });
    expect(logs.error).not.toHaveBeenCalled();
    expect(loggedText(logs)).not.toMatch(/eve\.smith/i);
  });

  it.each([
    ['a malformed address', 'not-an-email'],
    ['an address with two @', 'eve@@example.com'],
    ['no email at all', undefined],
  ])('refuses %s', async (_, email) => {
    await expect(handler(withEmail(email), context)).rejects.toThrow(
      new Error('Enter a valid email address'),
    );
  });

  it('checks users created by an administrator too', async () => {
    const event = events.preSignUpAdminCreateUser();
    await expect(preSignUpHandler(blocking('example.com'))(event, context)).rejects.toThrow(
      'Sign-ups from example.com are not accepted',
    );
    await expect(handler(events.preSignUpAdminCreateUser(), context)).resolves.toBeDefined();
  });

  it('accepts any well-formed address when no domain is blocked', async () => {
    await expect(
      preSignUpHandler(blocking())(withEmail('eve@mailinator.com'), context),
    ).resolves.toBeDefined();
  });

  it('hides internal errors behind a generic message', async () => {
    const broken = preSignUpHandler(() => {
      throw new ConfigError([{ variable: 'BLOCKED_EMAIL_DOMAINS', problem: 'is missing' }]);
    });

    const error = await failureOf(broken(events.preSignUp(), context));

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(TRIGGER_FAILED_MESSAGE);
    expect(error.message).not.toMatch(/BLOCKED_EMAIL_DOMAINS/);
    expect(logs.error).toHaveBeenCalledExactlyOnceWith('pre sign-up failed', {
      error: expect.any(ConfigError),
    });
  });
});
