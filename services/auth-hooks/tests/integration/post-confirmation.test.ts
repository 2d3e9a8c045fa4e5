// The post-confirmation trigger against the real database: one customer per confirmed user,
// whatever Cognito retries, and never a customer without the `customer` group.
import { randomUUID } from 'node:crypto';
import { lambdaContext } from '@shop/lambda-kit/testing';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TRIGGER_FAILED_MESSAGE } from '../../src/trigger-handler';
import { failureOf } from '../support/failure';
import { createHarness, customerRows, memoryGroups, resetCustomers } from '../support/harness';
import { spyOnLogs } from '../support/logs';
import fixture from '../unit/fixtures/post-confirmation.json';

const harness = createHarness();
afterAll(() => harness.close());
beforeEach(() => resetCustomers(harness));

const context = lambdaContext('shop-auth-hooks-test-postConfirmation');
const logs = spyOnLogs();

/** The documented event, for a fresh user. */
const confirmation = (sub = randomUUID(), email = 'Jane.Doe@Example.com'): PostConfirmationTriggerEvent => {
  const event = structuredClone(fixture) as PostConfirmationTriggerEvent;
  event.userName = sub;
  event.request.userAttributes.sub = sub;
  event.request.userAttributes.email = email;
  return event;
};

describe('post confirmation', () => {
  it('creates one customer row, lower-cased, and adds the user to customer', async () => {
    const groups = memoryGroups();
    const { postConfirmation } = harness.handlers(groups);
    const event = confirmation();

    await postConfirmation(event, context);

    const rows = await customerRows(harness.db);
    expect(rows).toEqual([
      {
        id: event.request.userAttributes.sub,
        email: 'jane.doe@example.com',
        name: 'Jane Doe',
        created_at: expect.any(Date),
      },
    ]);
    expect(groups.members).toEqual(new Set([`customer:${event.userName}`]));
  });

  it('keeps exactly one row when Cognito delivers the confirmation twice', async () => {
    const { postConfirmation } = harness.handlers(memoryGroups());
    const event = confirmation();

    await postConfirmation(event, context);
    const [first] = await customerRows(harness.db);
    await postConfirmation(structuredClone(event), context);

    expect(await customerRows(harness.db)).toEqual([first]);
  });

  it('keeps exactly one row when two deliveries race', async () => {
    const { postConfirmation } = harness.handlers(memoryGroups());
    const event = confirmation();

    await Promise.all([
      postConfirmation(structuredClone(event), context),
      postConfirmation(structuredClone(event), context),
      postConfirmation(structuredClone(event), context),
    ]);

    expect(await customerRows(harness.db)).toHaveLength(1);
  });

  it('leaves no row when the user cannot be added to the group, and says nothing internal', async () => {
    const { postConfirmation } = harness.handlers(
      memoryGroups(new Error('TooManyRequestsException: Rate exceeded')),
    );

    const error = await failureOf(postConfirmation(confirmation(), context));

    expect(error.message).toBe(TRIGGER_FAILED_MESSAGE);
    expect(await customerRows(harness.db)).toEqual([]);
    expect(logs.error).toHaveBeenCalledOnce();
  });

  it('completes a confirmation that failed once when Cognito retries it', async () => {
    const event = confirmation();
    await harness
      .handlers(memoryGroups(new Error('ServiceUnavailable')))
      .postConfirmation(event, context)
      .catch(() => undefined);
    const groups = memoryGroups();

    await harness.handlers(groups).postConfirmation(structuredClone(event), context);

    expect(await customerRows(harness.db)).toHaveLength(1);
    expect(groups.members.size).toBe(1);
  });

  it('lets two accounts share an email address (deleted and signed up again)', async () => {
    const { postConfirmation } = harness.handlers(memoryGroups());

    await postConfirmation(confirmation(randomUUID(), 'same@example.com'), context);
    await postConfirmation(confirmation(randomUUID(), 'Same@Example.com'), context);

    expect((await customerRows(harness.db)).map((row) => row.email)).toEqual([
      'same@example.com',
      'same@example.com',
    ]);
  });

  it('does not touch the database for a password-reset confirmation', async () => {
    const { postConfirmation } = harness.handlers(memoryGroups());
    const event = confirmation();
    event.triggerSource = 'PostConfirmation_ConfirmForgotPassword';

    await postConfirmation(event, context);

    expect(await customerRows(harness.db)).toEqual([]);
  });
});
